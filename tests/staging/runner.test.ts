// The staging runner on real suites, run through launchJob on a claimed job with a real store and
// worktree: the two-level outcome and what each level leaves in the store (written by the finish
// handler) and the artifact. (Whether spawnAgent runs is in launch.test.ts.)
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { advance } from '../../src/pipeline/advance.ts';
import { parseVerdict } from '../../src/core/verdict.ts';
import { alertsForTask } from '../../src/store/repos/alerts.ts';
import { gateResultsForTask, transitionsForTask } from '../../src/store/repos/history.ts';
import { jobsForTask } from '../../src/store/repos/jobs.ts';
import { takeOverLease } from '../../src/store/repos/job-queue.ts';
import { stagingCounters } from '../../src/staging/counters.ts';
import type { Job } from '../../src/store/schema.ts';
import { makeTempRepo, type TempRepo } from '../helpers/git-repo.ts';
import { tempDir } from '../proc/helpers.ts';
import { alive, makeStagingEnv, suite, type Ran, type StagingEnv } from './helpers.ts';
import { scaled } from '../helpers/time.ts';

let repo: TempRepo;
let env: StagingEnv | undefined;
beforeAll(async () => {
  repo = await makeTempRepo({ featureCommits: 1 });
});
afterAll(() => repo.cleanup());
afterEach(async () => {
  vi.unstubAllEnvs();
  await env?.cleanup();
  env = undefined;
});
const setup = async (vars: Record<string, string> = {}) => (env = await makeStagingEnv(repo, vars));

/** What advance() did after the finish handler recorded the run. */
function advanced(ran: Ran) {
  return ran.launch.kind === 'finished' && ran.launch.finish.kind === 'recorded' ? ran.launch.finish.advance : null;
}

/** Let the worker claim the (deferred) job again now. */
async function requeue(e: StagingEnv) {
  await e.store.db.updateTable('jobs').set({ state: 'queued', not_before: null }).where('id', '=', (await e.job()).id).execute();
}

/** The job's newest recorded run: its not_before and how long after the recorded decision (`at`) it is. */
function deferral(job: Job): { notBefore: string | null; delayMs: number } {
  const runs = JSON.parse(job.detail as string).result.stagingRunner.runs as { at: string; notBefore: string }[];
  const last = runs.at(-1);
  if (!last) throw new Error(`job ${job.id} has no recorded run`);
  return { notBefore: last.notBefore, delayMs: Date.parse(last.notBefore) - Date.parse(last.at) };
}

function verdictLines(text: string): string[] {
  return text.split('\n').filter((line) => line.startsWith('staging_status:'));
}

describe('suite executed: the exit code decides', () => {
  it('TC-04 passing suite: one staging_status: PASSED line, the gate passes, validated_sha = the tested commit', async () => {
    const e = await setup(); // ORCH_STAGING_SUITE_CMD empty: the sample repo's own `npm test`
    const tip = await repo.git('rev-parse', repo.branch);
    const ran = await e.run();
    expect(ran).toMatchObject({ kind: 'finished', status: 'PASSED', failClosed: false, exitCode: 0, commit: tip, validatedSha: tip });
    const text = e.artifact() as string;
    expect(verdictLines(text)).toEqual(['staging_status: PASSED']);
    expect(text).toContain(`- Command: \`npm test\` (from package.json)`);
    expect(text).toContain(`- Commit: \`${tip}\``);
    expect(text).toContain('sample: 1 test passed');
    expect((await e.task()).validated_sha).toBe(tip);
    const result = advanced(ran);
    expect(result).toMatchObject({ outcome: 'advanced', from: 'deploy-staging', to: 'deploy' });
    // The merge gate follows: the rebase is a no-op on the commit this run validated, so it merges without re-testing.
    expect(result?.gateResults).toMatchObject([
      { checkId: 'check_staging_status', verdict: 'pass' },
      { checkId: 'check_branch_mergeable', verdict: 'pass', detail: { skippedRetest: true, merged: true, testedHead: tip } },
    ]);
  });

  it('TC-05 failing suite: rollback to development and a developer job, FAILED clears validated_sha', async () => {
    const e = await setup({ ORCH_STAGING_SUITE_CMD: suite('fail.sh') });
    await e.store.db.updateTable('tasks').set({ validated_sha: 'f'.repeat(40) }).execute();
    const ran = await e.run();
    expect(ran).toMatchObject({ kind: 'finished', status: 'FAILED', failClosed: false, exitCode: 1, validatedSha: null });
    expect((await e.task()).validated_sha).toBeNull();
    expect(advanced(ran)).toMatchObject({ outcome: 'rolled-back', from: 'deploy-staging', to: 'development' });
    const jobs = await jobsForTask(e.store.db, e.taskId);
    expect(jobs.map((j) => [j.stage, j.agent, j.state])).toEqual([
      ['deploy-staging', 'deployer', 'succeeded'],
      ['development', 'developer', 'queued'],
    ]);
    expect(await alertsForTask(e.store.db, e.taskId)).toEqual([]);
  });

  it('PASSED on a worktree with uncommitted changes is a verdict, but validates no commit', async () => {
    const e = await setup({ ORCH_STAGING_SUITE_CMD: suite('pass.sh') });
    await e.stage();
    writeFileSync(`${e.worktree}/greet.js`, 'export const greet = () => "changed";\n');
    // launchJob stashes what an earlier run left before a job, so only stageSuite can meet this tree.
    expect(await e.stage()).toMatchObject({ kind: 'finished', status: 'PASSED', validatedSha: null });
    expect(e.artifact()).toContain('uncommitted changes to tracked files');
  });

  it('TC-10 the output cannot fake a verdict: its lines stay inert, the parser reads the runner\'s line only', async () => {
    const e = await setup({ ORCH_STAGING_SUITE_CMD: suite('fail.sh') });
    await e.run();
    const text = e.artifact() as string;
    expect(text).toContain('    staging_status: PASSED'); // the suite's fake line, quoted as output
    expect(verdictLines(text)).toEqual(['staging_status: FAILED']);
    expect(parseVerdict(text, 'staging_status')).toMatchObject({ kind: 'verdict', value: 'FAILED' });
  });
});

describe('tool errors: deferred, never a verdict', () => {
  it.each([
    ['TC-06 suite command missing (127)', () => suite('missing-command.sh'), 'not-found'],
    ['TC-06 a command of the suite not executable (126)', () => suite('not-executable-inside.sh'), 'not-executable'],
    ['TC-06 suite file not executable (EACCES spawn error)', () => suite('not-executable.sh'), 'not-executable'],
    ['TC-06 suite file does not exist (ENOENT spawn error)', () => suite('no-such-suite.sh'), 'not-found'],
    ['TC-06 suite is a folder (spawn error)', () => suite('.'), 'not-executable'],
    ['a suite killed by a signal orch did not send', () => suite('crash.sh'), 'signal'],
  ])('%s: DEFER, no rollback, not_before set', async (_name, cmd, cause) => {
    const e = await setup({ ORCH_STAGING_SUITE_CMD: cmd(), ORCH_STAGING_RUNNER_RETRY_BACKOFF_S: '30' });
    const ran = await e.run();
    expect(ran).toMatchObject({ kind: 'deferred', cause, infraAttempt: 1 });
    expect(ran.launch).toMatchObject({ kind: 'finished', report: { agent: 'staging-runner', status: 'deferred' }, finish: { state: 'deferred', advance: null } });
    const job = await e.job();
    expect(job).toMatchObject({ state: 'deferred', infra_attempts: 1, outcome: 'deferred' });
    // not_before is the recorded decision instant plus the 30 s backoff, whatever the machine's speed.
    expect(deferral(job)).toEqual({ notBefore: job.not_before, delayMs: 30_000 });
    expect(e.artifact()).toBeNull();
    // The task stays on deploy-staging; advance() waits for the deferred job.
    expect(await advance(e, e.taskId)).toMatchObject({ outcome: 'deferred', to: 'deploy-staging' });
    expect(await transitionsForTask(e.store.db, e.taskId)).toEqual([]);
    expect(await e.task()).toMatchObject({ stage: 'deploy-staging', state: 'active', validated_sha: null });
  });

  it('TC-07 timeout of a suite that leaves orphans: DEFER, and the whole tree is dead', async () => {
    const dir = tempDir('orch-staging-');
    const pids = `${dir.path}/pids`;
    const e = await setup({ ORCH_STAGING_SUITE_CMD: suite('hang-with-orphans.sh', pids), ORCH_STAGING_RUNNER_TIMEOUT_S: '0.6' });
    try {
      const outcome = await e.run();
      expect(outcome).toMatchObject({ kind: 'deferred', cause: 'timeout' });
      const listed = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
      expect(listed).toHaveLength(3);
      expect(listed.filter(alive)).toEqual([]);
      const run = JSON.parse((await e.job()).detail as string).result.stagingRunner.runs[0];
      expect(run).toMatchObject({ result: 'deferred', cause: 'timeout', survivors: 0 });
    } finally {
      for (const pid of existsSync(pids) ? readFileSync(pids, 'utf8').trim().split('\n').map(Number) : []) {
        if (alive(pid)) process.kill(pid, 'SIGKILL');
      }
      dir.remove();
    }
  });

  it('backs off exponentially and fails closed once the budget is spent', async () => {
    const e = await setup({ ORCH_STAGING_SUITE_CMD: suite('missing-command.sh'), ORCH_STAGING_RUNNER_INFRA_RETRIES: '2', ORCH_STAGING_RUNNER_RETRY_BACKOFF_S: '10' });
    const delays: number[] = [];
    for (let i = 0; i < 2; i++) {
      const outcome = await e.run();
      expect(outcome).toMatchObject({ kind: 'deferred', infraAttempt: i + 1 });
      delays.push(deferral(await e.job()).delayMs);
      await requeue(e); // its time has come: the worker picks it up again
    }
    // Measured from the recorded decision instant, not the wall clock around the run (the backoff
    // itself is the pure backoffDelayMs, tested in outcome.test.ts).
    expect(delays).toEqual([10_000, 20_000]);
    expect(await e.run()).toMatchObject({ kind: 'finished', status: 'FAILED', failClosed: true, exitCode: 127 });
    // Every run of the job is kept in its detail, though each finish replaces the result.
    expect(JSON.parse((await e.job()).detail as string).result.stagingRunner.runs.map((r: { result: string }) => r.result)).toEqual(['deferred', 'deferred', 'exhausted']);
    expect((await e.job()).infra_attempts).toBe(3);
  });
});

describe('the infra budget spent', () => {
  it('TC-08 budget exhausted: fail-closed FAILED artifact and exactly one alert, even when the exhausting job is re-run', async () => {
    const e = await setup({ ORCH_STAGING_SUITE_CMD: suite('missing-command.sh'), ORCH_STAGING_RUNNER_INFRA_RETRIES: '1' });
    expect(await e.run()).toMatchObject({ kind: 'deferred', infraAttempt: 1 });
    await requeue(e);
    // The exhausting run's worker loses its lease before it finishes (the reaper took the job):
    // the artifact is written, nothing is recorded, and the job runs again.
    const job = await e.job();
    const lost = await e.run({ onClaimed: async () => void (await takeOverLease(e.store.db, await e.job(), 'reaper', new Date(Date.now() + 60_000).toISOString())) });
    expect(lost).toMatchObject({ kind: 'finished', status: 'FAILED', failClosed: true, launch: { finish: { kind: 'lease-lost' } } });
    expect(verdictLines(e.artifact() as string)).toEqual(['staging_status: FAILED']);
    expect(e.artifact()).toContain('failed closed');
    expect(await alertsForTask(e.store.db, e.taskId)).toEqual([]);
    await e.store.db.updateTable('jobs').set({ state: 'queued', lease_owner: null, lease_expires_at: null }).where('id', '=', job.id).execute();
    const ran = await e.run();
    expect(ran).toMatchObject({ kind: 'finished', status: 'FAILED', failClosed: true });
    expect(advanced(ran)).toMatchObject({ outcome: 'rolled-back', to: 'development' });
    const alerts = await alertsForTask(e.store.db, e.taskId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'staging-infra-exhausted', dedupe_key: `staging-infra-exhausted:task-${e.taskId}:job-${job.id}` });
    expect((await gateResultsForTask(e.store.db, e.taskId)).map((g) => [g.check_id, g.verdict])).toEqual([['check_staging_status', 'fail']]);
    expect(await jobsForTask(e.store.db, e.taskId)).toMatchObject([{ id: job.id, state: 'succeeded', infra_attempts: 2 }, { stage: 'development' }]);
  });
});

describe('cancellation', () => {
  it('orch cancelling the run (its shutdown) decides nothing: no artifact, no infra attempt, nothing recorded', async () => {
    const dir = tempDir('orch-staging-');
    const pids = `${dir.path}/pids`;
    const e = await setup({ ORCH_STAGING_SUITE_CMD: suite('hang-with-orphans.sh', pids), ORCH_STAGING_RUNNER_TIMEOUT_S: '30' });
    try {
      const controller = new AbortController();
      let marked = 0;
      // Abort once the suite's whole tree is up (it carries the job's marker: the reaper could find
      // it), polled rather than after a fixed delay, which a loaded machine can outrun.
      const deadline = Date.now() + scaled(5_000);
      const poll = setInterval(() => {
        marked = e.holders().length;
        if (marked >= 3 || Date.now() > deadline) {
          clearInterval(poll);
          controller.abort();
        }
      }, 25);
      expect(await e.run({ signal: controller.signal })).toMatchObject({ kind: 'cancelled' });
      expect(marked).toBeGreaterThanOrEqual(3);
      // Still the worker's to release (its shutdown does), untouched by the run.
      expect(await e.job()).toMatchObject({ state: 'running', infra_attempts: 0, not_before: null, detail: null });
      expect(e.artifact()).toBeNull();
      expect(readFileSync(pids, 'utf8').trim().split('\n').map(Number).filter(alive)).toEqual([]);
      expect(await stagingCounters(e.store)).toMatchObject({ runs: 0 });
    } finally {
      for (const pid of existsSync(pids) ? readFileSync(pids, 'utf8').trim().split('\n').map(Number) : []) {
        if (alive(pid)) process.kill(pid, 'SIGKILL');
      }
      dir.remove();
    }
  });
});

describe('never-raise', () => {
  it('TC-09 internal error (the artifact cannot be written): LLM fallback, counted', async () => {
    const e = await setup({ ORCH_STAGING_SUITE_CMD: suite('pass.sh') });
    const folder = `${e.home}/tasks/${e.taskId}`;
    rmSync(folder, { recursive: true, force: true });
    writeFileSync(folder, 'a file where the task folder should be\n');
    const ran = await e.run();
    expect(ran).toMatchObject({ kind: 'fallback', code: 'ORCH_STAGING_FAILED', reason: expect.stringContaining(`cannot write the artifact ${folder}/15-staging-log.md`) });
    // The LLM deployer took the job (and failed on the same folder: its run is recorded, the job retried).
    expect(ran.launch).toMatchObject({ kind: 'finished', report: { agent: 'deployer', transport: 'llm', detail: { fallbackFrom: 'staging-runner' } } });
    expect(await stagingCounters(e.store)).toMatchObject({ runs: 1, fallbacks: 1, passed: 0 });
  });

  it('no suite to run (no ORCH_STAGING_SUITE_CMD, no test script): LLM fallback', async () => {
    const e = await setup();
    await e.stage();
    writeFileSync(`${e.worktree}/package.json`, '{"name":"no-tests"}\n');
    expect(await e.stage()).toMatchObject({ kind: 'fallback', code: 'ORCH_STAGING_FAILED', reason: expect.stringContaining('no staging suite') });
  });
});

describe('the artifact', () => {
  it('TC-11 secret-looking env values are masked, and orch\'s own settings never reach the suite', async () => {
    const e = await setup({ ORCH_STAGING_SUITE_CMD: suite('print-env.sh') });
    for (const [key, value] of Object.entries({ DEPLOY_TOKEN: 'tok-4f9a2b', DB_PASSWORD: 'hunter22', PLAIN_VALUE: 'visible', ORCH_HOME: e.home })) vi.stubEnv(key, value);
    expect(await e.run()).toMatchObject({ kind: 'finished', status: 'PASSED' });
    const text = e.artifact() as string;
    expect(text).toContain('token=*** password=*** plain=visible');
    expect(text).toContain('leaked *** on stderr');
    expect(text).toContain('orch-home=unset');
    expect(text).not.toContain('tok-4f9a2b');
    expect(text).not.toContain('hunter22');
  });

  it('TC-12 the output tail in the artifact is bounded (64 KiB) and keeps the end', async () => {
    const e = await setup({ ORCH_STAGING_SUITE_CMD: suite('big-output.sh') });
    expect(await e.run()).toMatchObject({ kind: 'finished', status: 'PASSED' });
    const text = e.artifact() as string;
    expect(Buffer.byteLength(text)).toBeLessThan(64 * 1024 + 2048);
    expect(Buffer.byteLength(text)).toBeGreaterThan(60 * 1024);
    expect(text).toContain('    the very last line');
    expect(text).not.toContain('output line 0000001 ');
    expect(text).toContain('the end only');
    expect(verdictLines(text)).toEqual(['staging_status: PASSED']);
  });
});
