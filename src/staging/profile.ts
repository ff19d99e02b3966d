// What tells one suite runner from another. The staging runner (deploy-staging) and the test
// runner (testing) are the same machinery: a suite run in the task worktree under the process-group
// runner, the two-level outcome, the bounded infra budget, the artifact with one verdict line and
// the counters. A profile carries only what differs: the stage, the names, the settings' keys.
import type { Config } from '../config/keys.ts';
import type { Stage } from '../core/stages.ts';
import { resolveStagingOptions, type ResolvedStagingOptions } from './options.ts';

export interface SuiteProfile {
  /** The reserved agent's name, recorded as agent_runs.role. */
  readonly agent: string;
  readonly stage: Stage;
  /** How messages name the suite: `staging suite`, `test suite`. */
  readonly suite: string;
  /** The runs' key in a job's result detail (`stagingRunner`): the counters read it. */
  readonly detailKey: string;
  /** The outcome's key in the run detail (`staging`). */
  readonly outcomeKey: string;
  /** The alert raised when the infra budget is spent. */
  readonly alertKind: string;
  /** The artifact's heading (`Staging log`) and who wrote it (`orch's staging runner`). */
  readonly title: string;
  readonly producer: string;
  /** A PASSED run of exactly its commit becomes the task's validated_sha (the merge gate reads it). */
  readonly validates: boolean;
  /** The keys named in messages: the kill-switch and the timeout. */
  readonly enabledKey: string;
  readonly timeoutKey: string;
  resolveOptions(config: Config): ResolvedStagingOptions;
}

export const STAGING_PROFILE: SuiteProfile = Object.freeze({
  agent: 'staging-runner',
  stage: 'deploy-staging',
  suite: 'staging suite',
  detailKey: 'stagingRunner',
  outcomeKey: 'staging',
  alertKind: 'staging-infra-exhausted',
  title: 'Staging log',
  producer: "orch's staging runner",
  validates: true,
  enabledKey: 'ORCH_STAGING_RUNNER_ENABLED',
  timeoutKey: 'ORCH_STAGING_RUNNER_TIMEOUT_S',
  resolveOptions: (config: Config) => resolveStagingOptions(config),
});
