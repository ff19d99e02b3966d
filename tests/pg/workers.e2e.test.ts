// Issue 9's acceptance on PostgreSQL with real worker processes (bin/orch.js), each with its own
// connection pool, as workers on different machines would be: 4 workers share 40 jobs (200 in
// npm run test:stress) and run each exactly once; two workers racing to merge two tasks into one base serialise on the
// advisory merge lock (one waits out the lock and is left for the sweep, both merged, linear
// history). The SIGKILL/reaper case is tests/worker/processes.e2e.test.ts, which tests/pg/again runs
// on PostgreSQL. Every process started here is ended by PID.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { sql } from 'kysely';
import { quote } from 'shell-quote';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { insertJob } from '../../src/store/repos/jobs.ts';
import { insertTask } from '../../src/store/repos/tasks.ts';
import { writeTransaction } from '../../src/store/tx.ts';
import { HAPPY, makeAgentEnv, path, type AgentEnv } from '../helpers/agents.ts';
import { usePostgres } from '../helpers/backend.ts';
import { makeTempRepo, type TempRepo } from '../helpers/git-repo.ts';
import { makeTempStore } from '../helpers/store.ts';
import { scaled } from '../helpers/time.ts';
import { volume } from '../helpers/volume.ts';
import { gatedCommand, untilEveryWorkerHoldsAJob, workerProcesses } from '../helpers/worker-processes.ts';
import { until } from '../proc/helpers.ts';

usePostgres();

let repo: TempRepo;
let env: AgentEnv | undefined;
let scratch: string | undefined;
const procs = workerProcesses();
beforeAll(async () => {
  repo = await makeTempRepo();
});
afterAll(() => repo.cleanup());
afterEach(async () => {
  procs.killAll();
  await env?.cleanup();
  env = undefined;
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

const startWorker = (e: AgentEnv, ...args: string[]) => procs.start(e, ['--until-idle', '--json', ...args], { timeoutMs: 40_000 });

describe('PostgreSQL: worker processes', () => {
  it('runs on PostgreSQL: the store these tests open is served by a PostgreSQL server', async () => {
    const t = await makeTempStore();
    try {
      const { rows } = await sql<{ v: string }>`select version() as v`.execute(t.store.db);
      expect(rows[0]?.v).toMatch(/^PostgreSQL \d+/);
    } finally {
      await t.cleanup();
    }
  });

  const TASKS = volume(20, 100);
  it(`4 worker processes and ${2 * TASKS} jobs: every job runs exactly once`, async () => {
    // Tasks on deploy, two reserved jobs each (deploy-finalizer, post-deploy-monitor): jobs that
    // cost no agent start-up. A job run twice would show in the workers' own counts (each counts
    // every job it starts) and in agent_runs (one row per finished run). Deploys wait at a gate
    // until each worker holds one, so every worker takes part however late a loaded machine starts it.
    scratch = mkdtempSync(join(tmpdir(), 'orch-pg-many-'));
    const gate = join(scratch, 'go');
    // A long lease: jobs held at the gate must not be taken over because a starved machine delayed
    // a heartbeat (lease expiry is the reaper's tests' subject, not this one's).
    const e = (env = await makeAgentEnv({
      repo,
      scenario: HAPPY,
      env: { ORCH_REAPER_INTERVAL_S: '5', ORCH_WORKER_LEASE_S: String(scaled(60_000) / 1000), ORCH_DEPLOY_CMD: gatedCommand(gate, 'echo deployed'), ORCH_DEPLOY_TIMEOUT_S: '30' },
    }));
    expect(e.store.dialect).toBe('postgres');
    // The branches in one git call; rows straight into the store (what `orch task add` writes).
    const sha = await repo.git('rev-parse', repo.branch);
    const branches = Array.from({ length: TASKS }, (_, i) => `pg-many/${i}`);
    await execa('git', ['update-ref', '--stdin'], { cwd: repo.dir, input: branches.map((b) => `update refs/heads/${b} ${sha}\n`).join('') });
    const ids = await writeTransaction(e.store, async (trx) => {
      const out: number[] = [];
      for (const branch of branches) {
        const task = await insertTask(trx, { repo: repo.dir, branch, base: 'main', title: branch, stage: 'deploy' });
        await insertJob(trx, { taskId: task.id, stage: 'deploy', agent: 'deploy-finalizer' });
        out.push(task.id);
      }
      return out;
    });
    const workers = [0, 1, 2, 3].map(() => startWorker(e, '--concurrency', '4'));
    await untilEveryWorkerHoldsAJob(e.store, workers.length);
    writeFileSync(gate, '');
    const results = await Promise.all(workers);
    for (const r of results) expect(r.exitCode, r.stderr).toBe(0);
    const summaries = results.map((r) => JSON.parse(r.stdout) as { jobs: number; failed: number });
    expect(summaries.reduce((n, s) => n + s.jobs, 0)).toBe(2 * TASKS);
    expect(summaries.reduce((n, s) => n + s.failed, 0)).toBe(0);
    // Real sharing: every worker took some of the work.
    for (const s of summaries) expect(s.jobs).toBeGreaterThan(0);

    const jobs = await e.store.db.selectFrom('jobs').select(['id', 'state', 'agent', 'detail']).execute();
    expect(jobs).toHaveLength(2 * TASKS);
    expect(jobs.every((j) => j.state === 'succeeded')).toBe(true);
    // No job was given back or taken over on the way: one claim, one run, one finish each.
    expect(jobs.filter((j) => /"(released|reaps)"/.test(j.detail ?? ''))).toEqual([]);
    const runs = await e.store.db.selectFrom('agent_runs').select('job_id').execute();
    expect(runs.map((r) => r.job_id).sort((a, b) => a - b)).toEqual(jobs.map((j) => j.id).sort((a, b) => a - b));
    const done = await e.store.db.selectFrom('tasks').select('id').where('state', '=', 'done').orderBy('id').execute();
    expect(done.map((t) => t.id)).toEqual(ids);
  });

  it('two workers racing to merge two tasks into one base: one waits out the lock, is left for the sweep (no re-queue), both merged, linear history', async () => {
    scratch = mkdtempSync(join(tmpdir(), 'orch-pg-race-'));
    const release = join(scratch, 'release');
    // The re-test holds the winner inside its locked section until the test has seen the other
    // gate turned away as lock-busy; the loser's re-run later finds the file and passes at once.
    const retest = quote(['sh', '-c', `i=0; while [ ! -e ${quote([release])} ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; echo "all tests passed"`]);
    const own = await makeTempRepo();
    onTestFinished(() => own.cleanup());
    const e = (env = await makeAgentEnv({
      repo: own,
      scenario: HAPPY,
      env: {
        ORCH_MERGE_RETEST_CMD: retest,
        ORCH_MERGE_RETEST_TIMEOUT_S: String(scaled(30_000) / 1000),
        ORCH_MERGE_RETRY_BACKOFF_S: '0',
        ORCH_MERGE_INFRA_RETRIES: '5',
        // A short lock wait: the loser gives up its round while the winner is still held.
        ORCH_MERGE_LOCK_WAIT_S: '0.3',
      },
    }));
    const g = e.repo.git;
    const start = await g('rev-parse', 'main');
    const ids: number[] = [];
    for (const name of ['race/a', 'race/b']) {
      await g('checkout', '--quiet', '-b', name, 'main');
      await e.repo.commit(`${name.replace('/', '-')}.txt`, `${name}\n`);
      ids.push(await e.add({ stage: 'deploy-staging', branch: name }));
    }
    await g('checkout', '--quiet', 'main');

    const workers = [startWorker(e), startWorker(e)];
    const lockBusyByTask = async () => {
      const rows = await e.store.db
        .selectFrom('gate_results')
        .select('task_id')
        .where('check_id', '=', 'check_branch_mergeable')
        .where(sql<boolean>`detail like '%"classification":"lock-busy"%'`)
        .execute();
      const byTask = new Map<number, number>();
      for (const r of rows) byTask.set(r.task_id, (byTask.get(r.task_id) ?? 0) + 1);
      return byTask;
    };
    await until(async () => (await lockBusyByTask()).size > 0, scaled(30_000), 'one gate to be turned away as lock-busy').finally(() => writeFileSync(release, ''));
    writeFileSync(release, '');
    const results = await Promise.all(workers);
    for (const r of results) expect(r.exitCode, r.stderr).toBe(0);

    for (const id of ids) {
      const r = await e.record(id);
      expect(r.task).toMatchObject({ stage: 'done', state: 'done' });
      expect(path(r)).toEqual(['deploy-staging->deploy', 'deploy->post-deploy', 'post-deploy->done']);
    }
    // One task merged at its first attempt; only the other was turned away (left on deploy-staging
    // for the sweep, perhaps more than once while the winner finished), never rolled back, and its
    // staging job never re-queued: waiting for the lock spends no infra budget.
    // (A sweep that finds the task's own gate holding the lock steps aside the same way.)
    const busy = await lockBusyByTask();
    expect(busy.size).toBeGreaterThanOrEqual(1);
    const staging = await e.store.db.selectFrom('jobs').select(['state', 'infra_attempts']).where('stage', '=', 'deploy-staging').execute();
    expect(staging).toEqual([{ state: 'succeeded', infra_attempts: 0 }, { state: 'succeeded', infra_attempts: 0 }]);
    const rollbacks = await e.store.db.selectFrom('transitions').select('id').where('kind', '=', 'rollback').execute();
    expect(rollbacks).toEqual([]);
    // Linear: two new commits on main, each the only parent of the next, no merge commit.
    const commits = (await g('rev-list', '--reverse', '--first-parent', `${start}..main`)).split('\n');
    expect(commits).toHaveLength(2);
    expect(await g('rev-list', '--merges', '--count', 'main')).toBe('0');
    expect(await g('rev-parse', `${commits[1]}^`)).toBe(commits[0]);
    expect(existsSync(release)).toBe(true);
    expect(await e.count('merge_locks')).toBe(0);
  });
});
