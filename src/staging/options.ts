// The staging runner's settings, read from the validated config once and frozen: everything the
// runner and GET /queue need, in the units the code uses (milliseconds, a classified repo scope).
import { join, resolve } from 'node:path';
import type { Config } from '../config/keys.ts';
import { procOptionsFromConfig } from '../proc/index.ts';
import { parseRepoScope, type RepoScope } from '../config/repo-scope.ts';

export interface ResolvedStagingOptions {
  /** ORCH_STAGING_RUNNER_ENABLED. */
  readonly enabled: boolean;
  /** ORCH_STAGING_RUNNER_REPOS, classified. */
  readonly scope: RepoScope;
  /** ORCH_STAGING_SUITE_CMD as written; empty = the repo's npm test. */
  readonly suiteCmd: string;
  /** The key suiteCmd came from, for messages and the artifact. @default ORCH_STAGING_SUITE_CMD */
  readonly suiteKey?: string;
  readonly timeoutMs: number;
  /** ORCH_STAGING_RUNNER_INFRA_RETRIES: deferred re-runs after tool errors before failing closed. */
  readonly infraRetries: number;
  /** ORCH_STAGING_RUNNER_RETRY_BACKOFF_S: the first re-run's delay; it doubles after that. */
  readonly backoffMs: number;
  /** From the process-group runner's keys (ORCH_KILL_GRACE_S, ORCH_SUBPROCESS_TREE_KILL_ENABLED). */
  readonly graceMs: number;
  readonly treeKill: boolean;
  /** `$ORCH_HOME/runs/staging`: full suite logs, one pair of files per run. */
  readonly logDir: string;
}

/** Normalise the staging keys of `config` (already validated by loadConfig). */
export function resolveStagingOptions(config: Config, cwd = process.cwd()): ResolvedStagingOptions {
  return Object.freeze({
    enabled: config.ORCH_STAGING_RUNNER_ENABLED,
    scope: parseRepoScope(config.ORCH_STAGING_RUNNER_REPOS, cwd),
    suiteCmd: config.ORCH_STAGING_SUITE_CMD,
    timeoutMs: Math.round(config.ORCH_STAGING_RUNNER_TIMEOUT_S * 1000),
    infraRetries: config.ORCH_STAGING_RUNNER_INFRA_RETRIES,
    backoffMs: Math.round(config.ORCH_STAGING_RUNNER_RETRY_BACKOFF_S * 1000),
    ...procOptionsFromConfig(config),
    logDir: join(resolve(cwd, config.ORCH_HOME), 'runs', 'staging'),
  });
}
