// Real worker processes (bin/orch.js) on one store (SQLite; PostgreSQL via tests/pg/again): a
// worker killed with SIGKILL mid-job leaves a task another worker (here: this process) finishes
// (each transition once, no attempt with two agent_runs rows); two workers share 8 tasks (20 in
// npm run test:stress) without running any job twice; SIGTERM gives the running job back and exits 0. Every process started
// here is ended by PID.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { quote } from 'shell-quote';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pidIsDead } from '../../src/proc/identity.ts';
import { HAPPY, makeAgentEnv, path, type AgentEnv, type Scenario } from '../helpers/agents.ts';
import { testBackend } from '../helpers/backend.ts';
import { makeTempRepo, type TempRepo } from '../helpers/git-repo.ts';
import { scaled } from '../helpers/time.ts';
import { volume } from '../helpers/volume.ts';
import { gatedCommand, untilEveryWorkerHoldsAJob, workerProcesses } from '../helpers/worker-processes.ts';
import { until } from '../proc/helpers.ts';

let repo: TempRepo;
let env: AgentEnv | undefined;
const procs = workerProcesses();
beforeAll(async () => {
  repo = await makeTempRepo();
});
afterAll(() => repo.cleanup());
afterEach(async () => {
  procs.killAll();
  await env?.cleanup();
  env = undefined;
});

const startWorker = (e: AgentEnv, ...args: string[]) => procs.start(e, args);

const runningJob = (e: AgentEnv) => e.store.db.selectFrom('jobs').selectAll().where('state', '=', 'running').where('pid', 'is not', null).executeTakeFirst();
async function waitForRunningJob(e: AgentEnv) {
  let job: Awaited<ReturnType<typeof runningJob>>;
  const end = Date.now() + scaled(15_000);
  while (!(job = await runningJob(e))) {
    if (Date.now() > end) throw new Error('no job started running');
    await new Promise((r) => setTimeout(r, 25));
  }
  return job;
}
const scenario = (roles: Scenario['roles']): Scenario => ({ roles: { ...HAPPY.roles, ...roles } });

describe('worker processes', () => {
  it('SIGKILL mid-job: a new worker reaps the orphan at once, re-runs the job and finishes the task', async () => {
    // A long lease: the new worker must see the owner is dead, not wait for the lease to expire.
    const e = (env = await makeAgentEnv({ repo, scenario: scenario({ tester: [{ sleepMs: 20_000 }, { verdict: 'PASSED' }] }), env: { ORCH_WORKER_LEASE_S: '60' } }));
    const id = await e.add({ stage: 'testing' });
    const first = startWorker(e);
    const job = await waitForRunningJob(e);
    const orphan = job.pid as number;
    // Kill the worker once the agent is inside its (sleeping) first run: it counts runs on start.
    await until(() => existsSync(join(e.home, 'tasks', String(id), '.fake-agent-tester.count')), 10_000, 'the agent to start its run');
    process.kill(first.pid as number, 'SIGKILL');
    expect((await first).signal).toBe('SIGKILL');
    expect(pidIsDead(orphan)).toBe(false);

    // The new worker runs in this test's process (a process of its own, with its own connection).
    expect(await e.worker()).toMatchObject({ reaped: 1, stoppedBy: 'idle' });
    expect(pidIsDead(orphan)).toBe(true);
    const r = await e.record(id);
    expect(r.task).toMatchObject({ stage: 'done', state: 'done' });
    expect(path(r)).toEqual(['testing->deploy-staging', 'deploy-staging->deploy', 'deploy->post-deploy', 'post-deploy->done']);
    expect(r.runs.map((x) => [x.job_id, x.role])).toEqual(r.jobs.map((j) => [j.id, j.agent]));
    expect(r.runs.map((x) => x.role)).toEqual(['tester', 'deployer', 'deploy-finalizer', 'post-deploy-monitor']);
    const reaped = r.jobs.find((j) => j.id === job.id);
    expect(reaped?.state).toBe('succeeded');
    expect(JSON.parse(reaped?.detail ?? '{}').reaps).toEqual([expect.objectContaining({ reason: 'owner-dead', pid: orphan })]);
    // The killed run counted as the tester's first run; the re-run was its second.
    expect(readFileSync(join(e.home, 'tasks', String(id), '.fake-agent-tester.count'), 'utf8')).toBe('2');
    expect(e.holders()).toEqual([]);
  });

  // On PostgreSQL tests/pg/workers.e2e.test.ts runs the bigger case (4 workers, 40 jobs; 200 in test:stress).
  const TASKS = volume(8, 20);
  it.runIf(testBackend() === 'sqlite')(`two workers on one SQLite file finish ${TASKS} tasks and run no job twice`, async () => {
    // The tasks start on deploy (two reserved jobs each, so the jobs cost no agent start-up). Each
    // deploy appends its task id to a file: a witness outside the store that it ran once. Deploys
    // wait at a gate until both workers hold one, so both take part however late one starts.
    const e = (env = await makeAgentEnv({ repo, scenario: HAPPY }));
    const witness = join(e.home, 'deployed.log');
    const gate = join(e.home, 'go');
    // A long lease: jobs held at the gate must not be taken over because a starved machine delayed a heartbeat.
    Object.assign(e.vars, {
      ORCH_DEPLOY_CMD: gatedCommand(gate, `echo "$ORCH_TASK_ID" >> ${quote([witness])}`),
      ORCH_DEPLOY_TIMEOUT_S: '30',
      ORCH_WORKER_LEASE_S: String(scaled(60_000) / 1000),
    });
    const ids: number[] = [];
    for (let i = 0; i < TASKS; i++) {
      await repo.git('branch', '--force', `many/${i}`, repo.branch);
      ids.push(await e.add({ stage: 'deploy', branch: `many/${i}` }));
    }
    const workers = [startWorker(e, '--until-idle', '--concurrency', '2', '--json'), startWorker(e, '--until-idle', '--concurrency', '2', '--json')] as const;
    await untilEveryWorkerHoldsAJob(e.store, workers.length);
    writeFileSync(gate, '');
    const [a, b] = await Promise.all(workers);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    const [sa, sb] = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
    expect(sa.jobs + sb.jobs).toBe(2 * TASKS);
    expect(sa.failed + sb.failed).toBe(0);
    expect(sa.jobs).toBeGreaterThan(0);
    expect(sb.jobs).toBeGreaterThan(0);
    for (const id of ids) {
      const r = await e.record(id);
      expect(r.task.state).toBe('done');
      expect(r.jobs.map((j) => [j.agent, j.state])).toEqual([['deploy-finalizer', 'succeeded'], ['post-deploy-monitor', 'succeeded']]);
      expect(r.runs.map((x) => x.job_id)).toEqual(r.jobs.map((j) => j.id));
    }
    expect(readFileSync(witness, 'utf8').trim().split('\n').map(Number).sort((x, y) => x - y)).toEqual(ids);
    expect(await e.count('agent_runs')).toBe(2 * TASKS);
  });

  // The release is one guarded UPDATE, the same on both engines: this runs on SQLite only.
  it.runIf(testBackend() === 'sqlite')('SIGTERM: the worker kills the running agent tree, gives the job back to the queue and exits 0', async () => {
    const e = (env = await makeAgentEnv({ repo, scenario: scenario({ tester: [{ sleepMs: 20_000 }] }) }));
    const id = await e.add({ stage: 'testing' });
    const worker = startWorker(e);
    const job = await waitForRunningJob(e);
    await until(() => e.holders().length >= 2, 5_000, 'the worker and its agent');
    process.kill(worker.pid as number, 'SIGTERM');
    const result = await worker;
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('orch worker: SIGTERM: stopping (releasing running jobs)');
    const row = (await e.record(id)).jobs[0];
    expect(row).toMatchObject({ id: job.id, state: 'queued', lease_owner: null, lease_expires_at: null, started_at: null });
    expect(JSON.parse(row?.detail ?? '{}').released).toMatchObject({ reason: 'worker stopping' });
    expect(await e.count('agent_runs')).toBe(0);
    expect(e.holders()).toEqual([]);
    expect(existsSync(join(e.home, 'tasks', String(id), '12-test-report.md'))).toBe(false);
  });
});
