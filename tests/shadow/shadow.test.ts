// Shadow mode (ORCH_SHADOW_ROLES, issue 17): the side of a stage that did not decide runs too,
// in a throwaway worktree, and one shadow_runs row keeps both verdicts. It never gates (the task
// moves on the deciding verdict alone) and never commits (the branch tip does not move), and its
// LLM cost counts towards the task's budget. Real store, real repo, real suites, the fake agent.
import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { taskLlmCost } from '../../src/launcher/budget.ts';
import { RESERVED_AGENTS } from '../../src/launcher/reserved.ts';
import { ROLES } from '../../src/core/stages.ts';
import { parseVerdict } from '../../src/core/verdict.ts';
import { SHADOW_PAIRS } from '../../src/core/shadow-pairs.ts';
import { shadowHome } from '../../src/shadow/run.ts';
import { shadowRunsForTask } from '../../src/store/repos/shadow-runs.ts';
import { makeTempRepo, type TempRepo } from '../helpers/git-repo.ts';
import { suite } from '../staging/helpers.ts';
import { makeTestingEnv, type TestingEnv } from '../test-runner/helpers.ts';

let repo: TempRepo;
const envs: TestingEnv[] = [];
beforeAll(async () => {
  repo = await makeTempRepo({ featureCommits: 1 });
});
afterAll(() => repo.cleanup());
afterEach(async () => {
  for (const e of envs.splice(0)) await e.cleanup();
});
const setup = async (...args: Parameters<typeof makeTestingEnv> extends [TempRepo, ...infer R] ? R : never) => {
  const e = await makeTestingEnv(repo, ...args);
  envs.push(e);
  return e;
};

describe('ORCH_SHADOW_ROLES=tester', () => {
  it('the test runner decides; the LLM tester runs in shadow: both verdicts on one row, no say in the gate, no commit on the branch', async () => {
    // The LLM tester disagrees (FAILED) and even commits: neither may reach the task.
    const e = await setup({ ORCH_TEST_SUITE_CMD: suite('pass.sh'), ORCH_SHADOW_ROLES: 'tester' }, { roles: { tester: [{ verdict: 'FAILED', commit: { file: 'shadow-was-here.txt' } }] } });
    const tip = await repo.git('rev-parse', repo.branch);
    const ran = await e.run();
    expect(ran).toMatchObject({ kind: 'finished', report: { agent: 'test-runner', transport: 'deterministic' }, finish: { advance: { outcome: 'advanced', to: 'deploy-staging' } } });
    const [row, ...more] = await shadowRunsForTask(e.store.db, e.taskId);
    expect(more).toEqual([]);
    expect(row).toMatchObject({ stage: 'testing', role: 'tester', agent: 'test-runner', shadow: 'llm', deterministic_verdict: 'PASSED', llm_verdict: 'FAILED', agree: 0, cost_usd: 0.01, tokens_in: 1000 });
    expect(JSON.parse(row?.detail ?? '{}')).toMatchObject({ decidedBy: 'test-runner', commit: tip });
    // Never committing: the branch did not move, the throwaway worktree is gone from git and disk.
    expect(await repo.git('rev-parse', repo.branch)).toBe(tip);
    const home = shadowHome(e.config, e.taskId, row?.job_id as number);
    expect(await repo.git('worktree', 'list')).not.toContain(`${home}/worktree`);
    expect(existsSync(`${home}/worktree`)).toBe(false);
    // The task's own artifact is the runner's; the shadow wrote its own elsewhere.
    expect(parseVerdict(e.artifact(), 'test_status')).toMatchObject({ value: 'PASSED' });
    const record = await e.record(e.taskId);
    expect(record.runs.map((r) => [r.role, r.transport])).toEqual([['test-runner', 'deterministic']]);
    // Its cost is counted: the task's LLM spend includes the shadow run.
    expect(await taskLlmCost(e.store.db, e.taskId)).toBeCloseTo(0.01, 10);
  });

  it('the LLM tester decides (runner off); the test runner runs in shadow and catches the red suite the LLM called PASSED', async () => {
    const e = await setup({ ORCH_TEST_RUNNER_ENABLED: 'false', ORCH_TEST_SUITE_CMD: suite('fail.sh'), ORCH_SHADOW_ROLES: 'tester' });
    const ran = await e.run();
    expect(ran).toMatchObject({ kind: 'finished', report: { agent: 'tester', transport: 'llm' }, finish: { advance: { outcome: 'advanced', to: 'deploy-staging' } } });
    const rows = await shadowRunsForTask(e.store.db, e.taskId);
    expect(rows).toMatchObject([{ role: 'tester', agent: 'test-runner', shadow: 'deterministic', deterministic_verdict: 'FAILED', llm_verdict: 'PASSED', agree: 0, cost_usd: null }]);
    expect(JSON.parse(rows[0]?.detail ?? '{}')).toMatchObject({ decidedBy: 'tester', exitCode: 1 });
    expect(parseVerdict(e.artifact(), 'test_status')).toMatchObject({ value: 'PASSED' });
  });

  it('a shadow LLM run that would pass the task budget is skipped and recorded without a verdict; the task is not blocked', async () => {
    const e = await setup({ ORCH_TEST_SUITE_CMD: suite('pass.sh'), ORCH_SHADOW_ROLES: 'tester', ORCH_TASK_BUDGET_USD: '0.015', ORCH_AGENT_CMD: 'false' });
    // An earlier $0.01 LLM run of this task: with the mean of all runs as the estimate, a tester run would reach $0.02.
    const [job] = (await e.record(e.taskId)).jobs;
    const at = new Date().toISOString();
    await e.store.db.insertInto('agent_runs').values({ job_id: job!.id, task_id: e.taskId, role: 'reviewer', transport: 'llm', started_at: at, finished_at: at, duration_ms: 1, exit_code: 0, tokens_in: 1, tokens_out: 1, cost_usd: 0.01, model: null }).execute();
    expect(await e.run()).toMatchObject({ kind: 'finished', report: { agent: 'test-runner' }, finish: { advance: { outcome: 'advanced', to: 'deploy-staging' } } });
    const rows = await shadowRunsForTask(e.store.db, e.taskId);
    expect(rows).toMatchObject([{ shadow: 'llm', deterministic_verdict: 'PASSED', llm_verdict: null, agree: null, cost_usd: null }]);
    expect(JSON.parse(rows[0]?.detail ?? '{}')).toMatchObject({ skipped: 'budget', reason: expect.stringMatching(/^budget: the next tester run/) });
    const record = await e.record(e.taskId);
    expect(record.task).toMatchObject({ stage: 'deploy-staging', state: 'active' });
    expect(record.alerts).toEqual([]);
  });

  it('without ORCH_SHADOW_ROLES nothing runs in shadow', async () => {
    const e = await setup({ ORCH_TEST_SUITE_CMD: suite('pass.sh'), ORCH_AGENT_CMD: 'false' });
    expect(await e.run()).toMatchObject({ kind: 'finished', report: { agent: 'test-runner' } });
    expect(await shadowRunsForTask(e.store.db, e.taskId)).toEqual([]);
  });
});

describe('the shadow pairs', () => {
  it('are exactly the LLM roles whose stage a reserved agent runs, with that agent', () => {
    const derived = ROLES.filter((r) => r.kind === 'llm').flatMap((r) => RESERVED_AGENTS.filter((a) => a.stage === r.stage).map((a) => ({ role: r.role, stage: r.stage, agent: a.name })));
    expect([...SHADOW_PAIRS].sort((a, b) => a.role.localeCompare(b.role))).toEqual(derived.sort((a, b) => a.role.localeCompare(b.role)));
  });

  it('ORCH_SHADOW_ROLES refuses a role without a deterministic candidate, naming the allowed ones', () => {
    expect(() => loadConfig({ env: { ORCH_SHADOW_ROLES: 'tester, reviewer' }, envFile: false })).toThrow(
      'ORCH_SHADOW_ROLES="tester, reviewer" is invalid: empty, or a comma-separated list of tester, deployer (the LLM roles that have a deterministic candidate)',
    );
    expect(loadConfig({ env: { ORCH_SHADOW_ROLES: ' deployer ,tester,' }, envFile: false }).ORCH_SHADOW_ROLES).toEqual(['deployer', 'tester']);
  });
});
