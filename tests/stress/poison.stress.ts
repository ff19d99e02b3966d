// A poison job (issue 19): an agent that SIGKILLs its own worker on every run. Each worker death
// is reaped as owner-dead and re-queued without spending ORCH_JOB_MAX_ATTEMPTS; after
// ORCH_JOB_MAX_REAPS reaps the task is blocked with a reason that names the bound and ONE alert,
// while another task still finishes. Real worker processes (the agent kills its ancestor), each
// ended by PID.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { readQueue } from '../../src/http/queue.ts';
import { HAPPY, makeAgentEnv, type AgentEnv } from '../helpers/agents.ts';
import { cli } from '../helpers/cli.ts';
import { makeTempRepo, type TempRepo } from '../helpers/git-repo.ts';
import { workerProcesses } from '../helpers/worker-processes.ts';

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

it('a job whose agent kills its worker every time is blocked after ORCH_JOB_MAX_REAPS reaps (reason names it, one alert); the other task finishes', async () => {
  // Task 1's tester kills its worker; task 2 (same role) passes. A long lease: only the dead-owner
  // judgment can free the job in time.
  const roles = { ...HAPPY.roles, tester: [{ mode: 'kill-worker' as const, tasks: [1], verdict: 'PASSED' }] };
  const e = (env = await makeAgentEnv({ repo, scenario: { roles }, env: { ORCH_JOB_MAX_REAPS: '2', ORCH_JOB_MAX_ATTEMPTS: '1', ORCH_WORKER_LEASE_S: '60' } }));
  const poison = await e.add({ stage: 'testing' });
  await repo.git('branch', 'feature/healthy', repo.branch);
  const healthy = await e.add({ stage: 'testing', branch: 'feature/healthy' });
  expect(poison).toBe(1);

  const ended: Array<string | undefined> = [];
  for (let start = 0; start < 8; start++) {
    const run = await procs.start(e, ['--until-idle'], { timeoutMs: 30_000 });
    ended.push(run.signal ?? `exit ${run.exitCode}`);
    const [p, h] = [(await e.record(poison)).task, (await e.record(healthy)).task];
    if (p.state === 'blocked' && h.state === 'done') break;
  }
  // The agent killed a worker twice (ORCH_JOB_MAX_REAPS=2); the third worker reaped the second death and blocked the task.
  expect(ended.filter((s) => s === 'SIGKILL')).toHaveLength(2);
  const p = await e.record(poison);
  expect(p.task.state).toBe('blocked');
  expect(p.task.blocked_reason).toMatch(/^job \d+ \(tester\) was reaped 2 time\(s\) \(ORCH_JOB_MAX_REAPS=2\)/);
  expect(p.alerts.map((a) => a.kind)).toEqual(['job-reaped']);
  // ORCH_JOB_MAX_ATTEMPTS=1 would have blocked it at the FIRST death had a reap counted as an attempt.
  expect(p.jobs.filter((j) => j.stage === 'testing').map((j) => [j.state, j.outcome])).toEqual([['failed', 'reaped']]);
  expect((await e.record(healthy)).task).toMatchObject({ state: 'done', stage: 'done' });

  const shown = await cli(['task', 'show', String(poison), '--json'], e.vars);
  expect(JSON.parse(shown.stdout)).toMatchObject({ reaps: 2 });
  expect((await cli(['task', 'show', String(poison)], e.vars)).stdout).toMatch(/reaps {4}2 /);
  expect((await readQueue(e.store, e.config)).queue.jobs.reaps).toBe(2);
  expect(e.holders()).toEqual([]);
}, 90_000);
