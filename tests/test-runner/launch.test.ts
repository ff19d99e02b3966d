// The test runner (issue 17) inside launchJob, on claimed testing jobs: whether the LLM transport
// runs at all (an agent command that would fail the run), the artifact it writes for the
// unchanged check_test_status gate, its kill-switch and fallback to the LLM tester, the infra budget, and the rows a red suite leaves
// against those of a FAILED LLM tester verdict (as the staging runner's TC-05 compares them).
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { readQueue } from '../../src/http/queue.ts';
import { parseVerdict } from '../../src/core/verdict.ts';
import { stagingCounters } from '../../src/staging/counters.ts';
import { TEST_PROFILE } from '../../src/test-runner/runner.ts';
import { HAPPY, type Scenario } from '../helpers/agents.ts';
import { makeTempRepo, type TempRepo } from '../helpers/git-repo.ts';
import { suite } from '../staging/helpers.ts';
import { makeTestingEnv, NO_LLM, type TestingEnv } from './helpers.ts';

type Env = TestingEnv;

let repo: TempRepo;
const envs: Env[] = [];
beforeAll(async () => {
  repo = await makeTempRepo({ featureCommits: 1 });
});
afterAll(() => repo.cleanup());
afterEach(async () => {
  vi.unstubAllEnvs();
  for (const e of envs.splice(0)) await e.cleanup();
});

async function setup(env: Record<string, string>, scenario: Scenario = HAPPY, on: TempRepo = repo): Promise<Env> {
  const e = await makeTestingEnv(on, env, scenario);
  envs.push(e);
  return e;
}

describe('launchJob on testing', () => {
  it('enabled: no LLM runs; the test runner writes 12-test-report.md with the facts and the gate advances', async () => {
    const e = await setup({ ...NO_LLM, ORCH_TEST_SUITE_CMD: suite('print-env.sh') });
    for (const [key, value] of Object.entries({ DEPLOY_TOKEN: 'tok-4f9a2b', PLAIN_VALUE: 'visible' })) vi.stubEnv(key, value);
    const ran = await e.run();
    expect(ran).toMatchObject({ kind: 'finished', report: { agent: 'test-runner', transport: 'deterministic', status: 'ok', reason: 'test_status: PASSED' }, finish: { advance: { outcome: 'advanced', to: 'deploy-staging' } } });
    const text = e.artifact();
    expect(text).toMatch(/^# Test report: task \d+/);
    expect(text).toContain("Written by orch's test runner (deterministic, no LLM)");
    expect(text).toContain(`(from ORCH_TEST_SUITE_CMD)`);
    expect(text).toContain('exited with code 0');
    expect(text).toMatch(/- Duration: \d+\.\d{3} s \(timeout 5 s\)/);
    expect(text).toContain('token=*** password=unset plain=visible');
    expect(text).not.toContain('tok-4f9a2b');
    expect(parseVerdict(text, 'test_status')).toMatchObject({ kind: 'verdict', value: 'PASSED' });
    const record = await e.record(e.taskId);
    expect(record.runs.map((r) => [r.role, r.transport, r.exit_code, r.cost_usd])).toEqual([['test-runner', 'deterministic', 0, null]]);
    // The test runner does not validate a commit for the merge gate: that is the staging runner's.
    expect(record.task).toMatchObject({ stage: 'deploy-staging', validated_sha: null });
    expect(await stagingCounters(e.store, TEST_PROFILE)).toMatchObject({ runs: 1, passed: 1 });
    expect(await stagingCounters(e.store)).toMatchObject({ runs: 0 });
    // GET /queue's test_runner block: the settings in force and the same counters.
    expect((await readQueue(e.store, e.config)).test_runner).toEqual({
      enabled: true, repos: ['*'], suite_cmd: suite('print-env.sh'), timeout_s: 5, infra_retries: 3, retry_backoff_s: 0,
      runs: 1, passed: 1, failed: 0, tool_errors: 0, deferred: 0, exhausted: 0, fallbacks: 0,
    });
  });

  it("empty ORCH_TEST_SUITE_CMD runs the staging suite's command", async () => {
    const e = await setup({ ORCH_STAGING_SUITE_CMD: suite('pass.sh') });
    expect(await e.run()).toMatchObject({ kind: 'finished', report: { agent: 'test-runner', reason: 'test_status: PASSED' } });
    expect(e.artifact()).toContain('(from ORCH_STAGING_SUITE_CMD)');
    expect(e.artifact()).toContain('ok 3 - stops');
  });

  it('ORCH_TEST_RUNNER_ENABLED=false: the LLM tester runs, as before', async () => {
    const e = await setup({ ORCH_TEST_RUNNER_ENABLED: 'false', ORCH_TEST_SUITE_CMD: suite('pass.sh') });
    const ran = await e.run();
    expect(ran).toMatchObject({ kind: 'finished', report: { agent: 'tester', transport: 'llm', status: 'ok' }, finish: { advance: { outcome: 'advanced' } } });
    expect(await stagingCounters(e.store, TEST_PROFILE)).toMatchObject({ runs: 0 });
  });

  it('no suite to run (no command, no test script): the LLM tester takes the job, and the fallback is counted', async () => {
    const own = await makeTempRepo({ featureCommits: 0 });
    onTestFinished(() => own.cleanup());
    await own.git('checkout', '--quiet', own.branch);
    await own.commit('package.json', '{"name":"no-tests"}\n', 'no test script');
    await own.git('checkout', '--quiet', 'main');
    const e = await setup({ ORCH_STAGING_SUITE_CMD: '' }, HAPPY, own);
    const ran = await e.run();
    expect(ran).toMatchObject({ kind: 'finished', report: { agent: 'tester', transport: 'llm', detail: { fallbackFrom: 'test-runner', fallbackReason: expect.stringContaining('test runner: no test suite: ORCH_STAGING_SUITE_CMD is empty') } } });
    expect(await stagingCounters(e.store, TEST_PROFILE)).toMatchObject({ runs: 1, fallbacks: 1 });
  });

  it('a tool error with the infra budget spent fails closed: test_status FAILED, one alert, rolled back', async () => {
    const e = await setup({ ORCH_TEST_SUITE_CMD: suite('not-executable.sh'), ORCH_STAGING_RUNNER_INFRA_RETRIES: '0' });
    expect(await e.run()).toMatchObject({ kind: 'finished', report: { agent: 'test-runner', reason: 'test_status: FAILED' }, finish: { advance: { outcome: 'rolled-back', to: 'development' } } });
    expect(e.artifact()).toContain('failed closed: the suite could not be run');
    const record = await e.record(e.taskId);
    expect(record.alerts.map((a) => [a.kind, a.message.includes('the test suite could not run') && a.message.endsWith('failed closed with test_status: FAILED')])).toEqual([['test-infra-exhausted', true]]);
    expect(await stagingCounters(e.store, TEST_PROFILE)).toMatchObject({ runs: 1, exhausted: 1, tool_errors: 1 });
  });

  it('a tool error within the budget defers the job: the task stays on testing', async () => {
    const e = await setup({ ORCH_TEST_SUITE_CMD: suite('not-executable.sh'), ORCH_STAGING_RUNNER_INFRA_RETRIES: '2' });
    expect(await e.run()).toMatchObject({ kind: 'finished', report: { status: 'deferred' }, finish: { state: 'deferred' } });
    const record = await e.record(e.taskId);
    expect(record.task.stage).toBe('testing');
    expect(record.jobs.map((j) => [j.stage, j.state, j.infra_attempts])).toEqual([['testing', 'deferred', 1]]);
    expect(record.alerts).toEqual([]);
  });

  it('a red suite rolls back to development with the same rows as a FAILED LLM tester verdict', async () => {
    const rows = async (e: Env) => {
      const r = await e.record(e.taskId);
      return {
        task: [r.task.stage, r.task.state, r.task.version, r.task.validated_sha],
        transitions: r.transitions.map((t) => [t.from_stage, t.to_stage, t.kind, t.reason?.replace(/ line \d+/, '')]),
        gates: r.gates.map((g) => [g.from_stage, g.to_stage, g.check_id, g.verdict, JSON.parse(g.detail ?? '{}').value]),
        jobs: r.jobs.map((j) => [j.stage, j.agent, j.state, j.attempt, j.infra_attempts, j.not_before]),
        runs: r.runs.map((run) => [run.exit_code, run.tokens_in === null]),
        alerts: r.alerts.length,
      };
    };
    const runner = await setup({ ...NO_LLM, ORCH_TEST_SUITE_CMD: suite('fail.sh') });
    const llm = await setup({ ORCH_TEST_RUNNER_ENABLED: 'false' }, { roles: { tester: [{ verdict: 'FAILED' }] } });
    for (const e of [runner, llm]) {
      expect(await e.run()).toMatchObject({ kind: 'finished', finish: { kind: 'recorded', state: 'succeeded', advance: { outcome: 'rolled-back', to: 'development' } } });
    }
    const [a, b] = [await rows(runner), await rows(llm)];
    expect({ ...a, runs: [] }).toEqual({ ...b, runs: [] });
    expect(a.transitions).toEqual([['testing', 'development', 'rollback', 'check_test_status: test_status: FAILED (12-test-report.md)']]);
    expect(a.jobs.map((j) => j.slice(0, 3))).toEqual([['testing', 'tester', 'succeeded'], ['development', 'developer', 'queued']]);
    expect([a.runs, b.runs]).toEqual([[[0, true]], [[0, false]]]);
    expect([(await runner.record(runner.taskId)).runs[0], (await llm.record(llm.taskId)).runs[0]]).toMatchObject([{ role: 'test-runner', transport: 'deterministic' }, { role: 'tester', transport: 'llm' }]);
    // The suite's own output that looks like a verdict stays inert: only the runner's line counts.
    expect(runner.artifact().match(/^test_status: .*$/gm)).toEqual(['test_status: FAILED']);
  });
});
