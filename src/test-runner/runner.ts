// The test runner (issue 17): the reserved deterministic agent of the testing stage. It is the
// staging runner's machinery (src/staging) with the test profile: it runs THE test suite
// (ORCH_TEST_SUITE_CMD; empty: the staging suite's command) in the task worktree under the
// process-group runner, maps the exit code to `test_status: PASSED | FAILED` with the two-level
// outcome (tool errors: bounded deferral, then fail closed with one alert), and writes the
// tester's artifact 12-test-report.md for the unchanged check_test_status gate. Any internal error
// hands the job to the LLM tester (the fallback), as the staging runner does with the deployer.
import { join, resolve } from 'node:path';
import type { Config } from '../config/keys.ts';
import type { ReservedFallback, RunContext, RunResultFields } from '../launcher/types.ts';
import { procOptionsFromConfig } from '../proc/index.ts';
import { maskSecrets } from '../secrets/mask.ts';
import { stagingCounters, type CountingStore } from '../staging/counters.ts';
import type { Interception } from '../staging/intercept.ts';
import type { ResolvedStagingOptions } from '../staging/options.ts';
import type { SuiteProfile } from '../staging/profile.ts';
import { runStagingJob } from '../staging/runner.ts';
import { parseRepoScope, repoInScope } from '../config/repo-scope.ts';
import type { Job, Task } from '../store/schema.ts';

export const TEST_RUNNER_ROLE = 'test-runner';
export const TESTING_STAGE = 'testing';

/** The test runner's settings in the staging runner's terms. */
export function resolveTestOptions(config: Config, cwd = process.cwd()): ResolvedStagingOptions {
  const own = config.ORCH_TEST_SUITE_CMD !== '';
  return Object.freeze({
    enabled: config.ORCH_TEST_RUNNER_ENABLED,
    scope: parseRepoScope(config.ORCH_STAGING_RUNNER_REPOS, cwd),
    suiteCmd: own ? config.ORCH_TEST_SUITE_CMD : config.ORCH_STAGING_SUITE_CMD,
    suiteKey: own ? 'ORCH_TEST_SUITE_CMD' : 'ORCH_STAGING_SUITE_CMD',
    timeoutMs: Math.round(config.ORCH_TEST_RUNNER_TIMEOUT_S * 1000),
    infraRetries: config.ORCH_STAGING_RUNNER_INFRA_RETRIES,
    backoffMs: Math.round(config.ORCH_STAGING_RUNNER_RETRY_BACKOFF_S * 1000),
    ...procOptionsFromConfig(config),
    logDir: join(resolve(cwd, config.ORCH_HOME), 'runs', 'testing'),
  });
}

export const TEST_PROFILE: SuiteProfile = Object.freeze({
  agent: TEST_RUNNER_ROLE,
  stage: TESTING_STAGE,
  suite: 'test suite',
  detailKey: 'testRunner',
  outcomeKey: 'testing',
  alertKind: 'test-infra-exhausted',
  title: 'Test report',
  producer: "orch's test runner",
  validates: false,
  enabledKey: 'ORCH_TEST_RUNNER_ENABLED',
  timeoutKey: 'ORCH_TEST_RUNNER_TIMEOUT_S',
  resolveOptions: (config: Config) => resolveTestOptions(config),
});

/** Whether the test runner takes this job: a testing job, the runner enabled, the repo in scope. */
export function testRunnerApplies(options: ResolvedStagingOptions, task: Pick<Task, 'repo'>, job: Pick<Job, 'stage'>): Interception {
  if (job.stage !== TESTING_STAGE) return { intercept: false, reason: `job is on ${job.stage}, not ${TESTING_STAGE}` };
  if (!options.enabled) return { intercept: false, reason: 'the test runner is disabled (ORCH_TEST_RUNNER_ENABLED=false)' };
  if (!repoInScope(options.scope, task.repo)) {
    return { intercept: false, reason: `repo ${task.repo} is not in ORCH_STAGING_RUNNER_REPOS (${options.scope.entries.join(', ') || 'empty'})` };
  }
  return { intercept: true, reason: `repo ${task.repo} is in ORCH_STAGING_RUNNER_REPOS (${options.scope.entries.join(', ')})` };
}

/** The reserved agent's run: the test suite at ctx.tip, recorded by the finish handler. Never throws. */
export function runTestJob(ctx: RunContext): Promise<RunResultFields | ReservedFallback> {
  return runStagingJob(ctx, { profile: TEST_PROFILE });
}

/** GET /queue's `test_runner` block: the settings in force and the counters, from the store. */
export async function testRunnerStatus(config: Config, store: CountingStore) {
  const suite = config.ORCH_TEST_SUITE_CMD !== '' ? config.ORCH_TEST_SUITE_CMD : config.ORCH_STAGING_SUITE_CMD;
  return {
    enabled: config.ORCH_TEST_RUNNER_ENABLED,
    repos: [...config.ORCH_STAGING_RUNNER_REPOS],
    suite_cmd: suite === '' ? null : maskSecrets(suite),
    timeout_s: config.ORCH_TEST_RUNNER_TIMEOUT_S,
    infra_retries: config.ORCH_STAGING_RUNNER_INFRA_RETRIES,
    retry_backoff_s: config.ORCH_STAGING_RUNNER_RETRY_BACKOFF_S,
    ...(await stagingCounters(store, TEST_PROFILE)),
  };
}
