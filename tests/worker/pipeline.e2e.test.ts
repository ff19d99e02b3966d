// The acceptance scenarios with the fake agent and a real worker loop (in-process; the agents are
// real processes): rollbacks loop back to development, a crashing agent is re-run then blocks the
// task with one alert, a hanging agent is killed at its timeout with its whole tree, and a
// missing or invalid verdict never advances.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeAgentEnv, path, type AgentEnv, type Scenario } from '../helpers/agents.ts';
import { cli } from '../helpers/cli.ts';
import { makeTempRepo, type TempRepo } from '../helpers/git-repo.ts';
import { scaled } from '../helpers/time.ts';

let repo: TempRepo;
let env: AgentEnv | undefined;
beforeAll(async () => {
  repo = await makeTempRepo();
});
afterAll(() => repo.cleanup());
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});
const setup = async (scenario: Scenario, extra: Record<string, string> = {}) => (env = await makeAgentEnv({ scenario, repo, env: extra }));

describe('the worker with the fake agent', () => {
  it('reviewer CHANGES_REQUESTED and tester FAILED roll back to development, and the loop goes on to done', async () => {
    const e = await setup({
      roles: {
        developer: [{ commit: { file: 'feature.txt' } }],
        reviewer: [{ verdict: 'CHANGES_REQUESTED' }, { verdict: 'APPROVED' }],
        tester: [{ verdict: 'FAILED' }, { verdict: 'PASSED' }],
        deployer: [{ verdict: 'PASSED' }],
      },
    });
    const id = await e.add({ stage: 'development' });
    const summary = await e.worker();
    const r = await e.record(id);
    expect(r.task).toMatchObject({ stage: 'done', state: 'done' });
    expect(path(r)).toEqual([
      'development->review', 'review->development', 'development->review', 'review->testing', 'testing->development',
      'development->review', 'review->testing', 'testing->deploy-staging', 'deploy-staging->deploy', 'deploy->post-deploy', 'post-deploy->done',
    ]);
    expect(r.transitions.filter((t) => t.kind === 'rollback').map((t) => t.reason)).toEqual([
      'check_review_status: review_status: CHANGES_REQUESTED (10-review.md line 5)',
      'check_test_status: test_status: FAILED (12-test-report.md line 5)',
    ]);
    expect(r.runs.map((x) => `${x.role}:${x.transport}`)).toEqual([
      'developer:llm', 'reviewer:llm', 'developer:llm', 'reviewer:llm', 'tester:llm', 'developer:llm', 'reviewer:llm', 'tester:llm', 'deployer:llm',
      'deploy-finalizer:deterministic', 'post-deploy-monitor:deterministic',
    ]);
    expect(r.runs.filter((x) => x.transport === 'llm').every((x) => x.tokens_in !== null && x.cost_usd === 0.01 && x.model === 'fake-agent-1')).toBe(true);
    expect(summary).toMatchObject({ jobs: 11, succeeded: 11, failed: 0, stoppedBy: 'idle' });
    // Three developer runs, three commits published on the branch, and the merge gate moved the base onto it.
    expect(await repo.git('log', '--format=%s', '-3', repo.branch)).toBe('developer: scripted change 3\ndeveloper: scripted change 2\ndeveloper: scripted change 1');
    expect(await repo.git('rev-parse', 'main')).toBe(await repo.git('rev-parse', repo.branch));
  });

  it('a crashing agent is re-run, then the task is blocked with exactly one alert', async () => {
    const e = await setup({ roles: { analyst: [{ mode: 'crash', exitCode: 3 }] } });
    const id = await e.add();
    await e.worker();
    const r = await e.record(id);
    expect(r.jobs.map((j) => [j.id, j.state, j.outcome])).toEqual([[1, 'failed', 'exit-3'], [2, 'failed', 'exit-3'], [3, 'failed', 'exit-3']]);
    expect(r.runs).toHaveLength(3);
    expect(r.task).toMatchObject({ state: 'blocked', stage: 'analysis', blocked_reason: 'job 3 (analyst) failed 3 time(s) (ORCH_JOB_MAX_ATTEMPTS=3): agent exited with code 3' });
    expect(r.alerts.map((a) => [a.kind, a.dedupe_key])).toEqual([['job-failed', `job-failed:task-${id}:analysis:job-3`]]);
    expect(r.transitions).toEqual([]);
  });

  it('a hanging agent is killed at ORCH_AGENT_TIMEOUT_S with its whole tree', async () => {
    // The deadline leaves a loaded machine time to start node and reach the hang (child spawned).
    const e = await setup({ roles: { analyst: [{ mode: 'hang' }] } }, { ORCH_AGENT_TIMEOUT_S: '1.5', ORCH_JOB_MAX_ATTEMPTS: '1' });
    const id = await e.add();
    const watch = setInterval(() => (seen = Math.max(seen, e.holders().length)), 50);
    let seen = 0;
    const t0 = performance.now();
    await e.worker();
    clearInterval(watch);
    // Killed at the 1.5 s deadline, not left to the agent's 600 s hang: a ceiling only.
    expect(performance.now() - t0).toBeLessThan(15_000);
    const r = await e.record(id);
    expect(r.jobs.map((j) => [j.state, j.outcome])).toEqual([['failed', 'timeout']]);
    expect(r.task.blocked_reason).toMatch(/agent timed out after 1.5 s \(ORCH_AGENT_TIMEOUT_S\); [2-9] process\(es\) of its tree killed$/);
    // env, node (the agent) and its `sleep 600` child were all seen alive, and none is left.
    expect(seen).toBeGreaterThanOrEqual(2);
    expect(e.holders()).toEqual([]);
  });

  it('a missing or invalid verdict never advances: re-run, then fail closed back to development', async () => {
    const e = await setup({
      roles: {
        developer: [{ commit: { file: 'again.txt' } }],
        reviewer: [{ mode: 'no-verdict' }, { mode: 'invalid-verdict', verdict: 'approved' }, { verdict: 'APPROVED' }],
        // Stop the run once the task is past review (one failed tester run blocks it).
        tester: [{ mode: 'crash' }],
      },
    }, { ORCH_VERDICT_RERUNS: '1', ORCH_JOB_MAX_ATTEMPTS: '1' });
    const id = await e.add({ stage: 'review' });
    const summary = await e.worker({ signal: AbortSignal.timeout(scaled(20_000)) }); // a safety stop, not a figure
    const r = await e.record(id);
    const review = r.gates.filter((g) => g.check_id === 'check_review_status').map((g) => [g.verdict, g.reason]);
    expect(review.slice(0, 2)).toEqual([
      ['defer', '10-review.md has no review_status line (allowed: APPROVED, CHANGES_REQUESTED)'],
      ['fail', 'check_review_status: 10-review.md: line 5: review_status has value "approved"; allowed: APPROVED, CHANGES_REQUESTED (values are case-sensitive: write APPROVED); still no usable verdict after 1 re-run(s): failing closed'],
    ]);
    // Nothing advanced past review until an APPROVED artifact: the bad rounds went back to development.
    expect(path(r)).toEqual(['review->development', 'development->review', 'review->testing']);
    expect(r.alerts.map((a) => a.kind)).toEqual(['verdict-exhausted', 'job-failed']);
    expect(r.task).toMatchObject({ stage: 'testing', state: 'blocked' });
    expect(summary.stoppedBy).toBe('idle');
  });

  it('a job that ends deferred (the staging suite cannot start) is counted as deferred, not failed', async () => {
    const e = await setup({ roles: {} }, {
      ORCH_STAGING_RUNNER_ENABLED: 'true',
      ORCH_STAGING_SUITE_CMD: 'orch-no-such-suite-7d1e',
      // A long backoff: the deferred job is not due within the worker's idle horizon.
      ORCH_STAGING_RUNNER_RETRY_BACKOFF_S: '3600',
    });
    const id = await e.add({ stage: 'deploy-staging' });
    const summary = await e.worker();
    expect(summary).toMatchObject({ jobs: 1, succeeded: 0, failed: 0, deferred: 1, stoppedBy: 'idle' });
    const r = await e.record(id);
    expect(r.task).toMatchObject({ stage: 'deploy-staging', state: 'active' });
  });

  it('an agent command that is not installed defers the job (no attempt spent) with one alert, and worker --until-idle exits 1', async () => {
    const e = await setup({ roles: {} }, { ORCH_AGENT_CMD: 'orch-no-such-agent-5a1c -p', ORCH_AGENT_NOT_FOUND_DEFER_S: '3600' });
    const first = await e.add();
    await repo.git('branch', '-f', 'agent-missing-2', repo.branch);
    const second = await e.add({ branch: 'agent-missing-2' });
    const summary = await e.worker();
    expect(summary).toMatchObject({ jobs: 2, succeeded: 0, failed: 0, deferred: 2, agentNotFound: 2, stoppedBy: 'idle' });
    for (const id of [first, second]) {
      const r = await e.record(id);
      expect(r.task).toMatchObject({ stage: 'analysis', state: 'active' });
      expect(r.jobs.map((j) => [j.state, j.attempt, j.outcome])).toEqual([['deferred', 1, 'agent-not-found']]);
      expect(JSON.parse(r.jobs[0]?.detail ?? '{}').result.reason).toBe('agent command not found: orch-no-such-agent-5a1c');
    }
    const alerts = await e.store.db.selectFrom('alerts').selectAll().execute();
    expect(alerts.map((a) => [a.kind, a.message.split(' (')[0]])).toEqual([['agent-command-not-found', 'agent command not found: orch-no-such-agent-5a1c']]);
    // The same through the CLI: the batch is not a success.
    await e.store.db.updateTable('jobs').set({ not_before: null }).execute();
    const run = await cli(['worker', '--until-idle'], { ...e.vars });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('orch worker: 2 job(s) deferred: agent command not found: orch-no-such-agent-5a1c');
    expect(await e.store.db.selectFrom('alerts').selectAll().execute()).toHaveLength(1);
  });

  it('prints a line when it claims and finishes a job, and a heartbeat naming the log while the agent runs', async () => {
    const e = await setup({ roles: { analyst: [{ mode: 'crash', exitCode: 3, sleepMs: 700 }] } }, { ORCH_JOB_MAX_ATTEMPTS: '1' });
    const id = await e.add();
    const lines: string[] = [];
    await e.worker({ heartbeatMs: 100, log: (l) => lines.push(l) });
    expect(lines).toContain(`job 1 claimed: task ${id}, analysis, analyst, attempt 1`);
    const beats = lines.filter((l) => l.startsWith('still running: job 1 analyst'));
    expect(beats.length).toBeGreaterThan(0);
    expect(beats.at(-1)).toMatch(new RegExp(`^still running: job 1 analyst \\(task ${id}, analysis\\) \\d+s, log /.+/job-1-analyst\\.log$`));
    const end = lines.find((l) => l.startsWith('job 1 analyst ('));
    expect(end).toMatch(/^job 1 analyst \(task \d+, analysis\): analyst \(llm\) failed in \d+(\.\d)? (ms|s): agent exited with code 3; task blocked$/);
    expect(lines.indexOf(end as string)).toBeGreaterThan(lines.indexOf(beats.at(-1) as string));
  });
});
