// The staging runner inside launchJob, on claimed jobs: whether the LLM transport runs at all
// (TC-01/02/03: the fake agent logs every start, agentCalls()), and the rows a FAILED runner leaves against those of a FAILED LLM deployer
// (TC-05, the fake agent), both through the one finish handler.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stagingCounters } from '../../src/staging/counters.ts';
import { makeTempRepo, type TempRepo } from '../helpers/git-repo.ts';
import { MARKER_NAME } from '../helpers/agents.ts';
import { makeStagingEnv, suite, type StagingEnv } from './helpers.ts';


let repo: TempRepo;
const envs: StagingEnv[] = [];
beforeAll(async () => {
  repo = await makeTempRepo({ featureCommits: 1 });
});
afterAll(() => repo.cleanup());
afterEach(async () => {
  for (const e of envs.splice(0)) await e.cleanup();
});
const setup = async (...args: Parameters<typeof makeStagingEnv> extends [TempRepo, ...infer R] ? R : never) => {
  const e = await makeStagingEnv(repo, ...args);
  envs.push(e);
  return e;
};

describe('launchJob on deploy-staging', () => {
  it('TC-01 enabled and in scope: spawnAgent is never called, the staging runner ran deterministically', async () => {
    const e = await setup({ ORCH_STAGING_SUITE_CMD: suite('pass.sh'), ORCH_STAGING_RUNNER_REPOS: ` , nope,${repo.dir} ` });
    const ran = await e.run();
    expect(e.agentCalls()).toEqual([]);
    expect(ran).toMatchObject({ kind: 'finished', status: 'PASSED', launch: { kind: 'finished', report: { agent: 'staging-runner', transport: 'deterministic', status: 'ok', detail: { spawned: { count: 1 } } } } });
    const record = await e.record(e.taskId);
    expect(record.runs.map((r) => [r.role, r.transport, r.exit_code])).toEqual([['staging-runner', 'deterministic', 0]]);
    expect(record.task).toMatchObject({ stage: 'deploy', validated_sha: await repo.git('rev-parse', repo.branch) });
    expect(await stagingCounters(e.store)).toMatchObject({ runs: 1, passed: 1 });
  });

  it('TC-02 disabled: the LLM deployer path runs as before, and it gets the same suite setting', async () => {
    const e = await setup({ ORCH_STAGING_RUNNER_ENABLED: 'false', ORCH_STAGING_SUITE_CMD: suite('pass.sh') });
    // An agent command that records what it was given and writes the deployer's artifact.
    const seen = join(e.home, 'seen.json');
    const probe = join(e.home, 'probe.mjs');
    writeFileSync(probe, `import { writeFileSync } from 'node:fs';
writeFileSync(${JSON.stringify(seen)}, JSON.stringify({ role: process.env.ORCH_ROLE, suite: process.env.ORCH_STAGING_SUITE_CMD, home: process.env.ORCH_HOME ?? null }));
writeFileSync(process.env.ORCH_ARTIFACT_PATH, '# Staging log\\n\\nstaging_status: PASSED\\n');
`);
    const config = { ...e.config, ORCH_AGENT_CMD: ['env', `${MARKER_NAME}=${e.marker}`, process.execPath, probe] };
    const ran = await e.run({ config });
    // The probe is the agent command here: one LLM run, the deployer's.
    expect((await e.record(e.taskId)).runs.map((r) => [r.role, r.transport])).toEqual([['deployer', 'llm']]);
    expect(ran).toMatchObject({ kind: 'no-staging', launch: { kind: 'finished', report: { agent: 'deployer', transport: 'llm', status: 'ok' } } });
    expect(JSON.parse(readFileSync(seen, 'utf8'))).toEqual({ role: 'deployer', suite: suite('pass.sh'), home: null });
    expect((await e.record(e.taskId)).task).toMatchObject({ stage: 'deploy', validated_sha: null });
    expect(await stagingCounters(e.store)).toMatchObject({ runs: 0 });
  });

  it('TC-03 repo out of scope: the LLM deployer path', async () => {
    const e = await setup({ ORCH_STAGING_SUITE_CMD: suite('pass.sh'), ORCH_STAGING_RUNNER_REPOS: 'other-repo, , /no/such/repo' });
    const ran = await e.run();
    expect(e.agentCalls()).toEqual(['deployer']);
    expect(ran.launch).toMatchObject({ kind: 'finished', report: { agent: 'deployer', transport: 'llm', status: 'ok' } });
    expect((await e.record(e.taskId)).runs.map((r) => [r.role, r.transport])).toEqual([['deployer', 'llm']]);
  });

  it('TC-05 failing suite: the rows match those of a FAILED LLM deployer verdict (the fake agent)', async () => {
    /** What the finish handler and advance() wrote, without ids, times and the artifact's line number. */
    const rows = async (e: StagingEnv) => {
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
    const runner = await setup({ ORCH_STAGING_SUITE_CMD: suite('fail.sh') });
    const llm = await setup({ ORCH_STAGING_RUNNER_ENABLED: 'false' }, { roles: { deployer: [{ verdict: 'FAILED' }] } });
    for (const e of [runner, llm]) {
      expect((await e.run()).launch).toMatchObject({ kind: 'finished', finish: { kind: 'recorded', state: 'succeeded', advance: { outcome: 'rolled-back', to: 'development' } } });
    }
    expect([...runner.agentCalls(), ...llm.agentCalls()]).toEqual(['deployer']); // the LLM deployer's run only
    const [a, b] = [await rows(runner), await rows(llm)];
    // The same rows, but for the agent_runs row: who ran, and that an LLM reports tokens.
    expect({ ...a, runs: [] }).toEqual({ ...b, runs: [] });
    expect(b.runs).toEqual([[0, false]]);
    expect(a.transitions).toEqual([['deploy-staging', 'development', 'rollback', 'check_staging_status: staging_status: FAILED (15-staging-log.md)']]);
    expect(a.jobs.map((j) => j.slice(0, 3))).toEqual([['deploy-staging', 'deployer', 'succeeded'], ['development', 'developer', 'queued']]);
    expect(a.runs).toEqual([[0, true]]);
    expect((await runner.record(runner.taskId)).runs[0]).toMatchObject({ role: 'staging-runner', transport: 'deterministic' });
    expect((await llm.record(llm.taskId)).runs[0]).toMatchObject({ role: 'deployer', transport: 'llm' });
  });
});
