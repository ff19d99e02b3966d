// The staging runner's inputs and its outcome: what launchJob passes in and what it must do next.
import type { Config } from '../config/keys.ts';
import type { RunProcOptions } from '../launcher/types.ts';
import type { Job, Task } from '../store/schema.ts';
import type { ResolvedStagingOptions } from './options.ts';
import type { SuiteProfile } from './profile.ts';
import type { StagingStatus, ToolErrorCause } from '../core/staging-outcome.ts';
import type { RecordInput } from './record.ts';

export interface StagingDeps {
  readonly config: Config;
  /** @default resolveStagingOptions(config) */
  readonly options?: ResolvedStagingOptions;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** orch's environment: the suite gets it minus ORCH_* keys, and its secret-looking values are masked. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Which suite runner this is (the test runner passes its own). @default STAGING_PROFILE */
  readonly profile?: SuiteProfile;
}

export interface StagingJobInput {
  readonly task: Task;
  /** The deploy-staging job, as claimed (its infra_attempts is the budget spent so far). */
  readonly job: Job;
  /** The task's git worktree, at the commit to test. */
  readonly worktree: string;
  /** Aborting it kills the suite's tree; the outcome is `cancelled`. */
  readonly signal?: AbortSignal;
  /** The job's process options (marker variable, onSpawn, kill grace): the reaper finds the suite's processes by them. */
  readonly proc?: RunProcOptions;
}

/** The artifact is written: the finish handler ends the job (agent_runs role staging-runner) and advance() judges it. */
export interface StagingFinished {
  readonly kind: 'finished';
  readonly status: StagingStatus;
  /** FAILED because the infra budget was spent, not because the suite failed. */
  readonly failClosed: boolean;
  /** As a shell reports it: the suite's code, 124 timeout, 126/127, 128+n for a signal. */
  readonly exitCode: number;
  readonly durationMs: number;
  readonly startedAt: string;
  readonly commit: string;
  readonly validatedSha: string | null;
  readonly artifactPath: string;
  readonly reason: string;
}

/** A tool error within the budget: the job is deferred until notBefore; the task stays on deploy-staging. */
export interface StagingDeferred {
  readonly kind: 'deferred';
  readonly cause: ToolErrorCause;
  readonly infraAttempt: number;
  readonly notBefore: string;
  readonly durationMs: number;
  readonly reason: string;
}

export type StagingOutcome =
  | StagingFinished
  | StagingDeferred
  /** orch cancelled the run (shutdown): nothing decided, the job must run again. */
  | { readonly kind: 'cancelled'; readonly reason: string }
  /** The runner failed internally: run the LLM deployer for this job instead. */
  | { readonly kind: 'fallback'; readonly reason: string; readonly code: string };

/** A run's outcome and the facts to record about it (null: nothing to record). */
export interface StagedRun {
  readonly outcome: StagingOutcome;
  readonly record: RecordInput | null;
}
