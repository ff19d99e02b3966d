// Whether the staging runner takes a job over: a deploy-staging job, the runner enabled, and the
// task's repo in ORCH_STAGING_RUNNER_REPOS. Anything else keeps the LLM deployer path unchanged.
import type { Job, Task } from '../store/schema.ts';
import type { ResolvedStagingOptions } from './options.ts';
import { repoInScope } from '../config/repo-scope.ts';

/** The role recorded in agent_runs for the runner's runs (the job's agent stays `deployer`). */
export const STAGING_RUNNER_ROLE = 'staging-runner';
export const STAGING_STAGE = 'deploy-staging';

export interface Interception {
  readonly intercept: boolean;
  /** Why (not), for logs and the job record. */
  readonly reason: string;
}

/** Decide, from the resolved options alone, whether the runner handles this job. */
export function stagingRunnerApplies(options: ResolvedStagingOptions, task: Pick<Task, 'repo'>, job: Pick<Job, 'stage'>): Interception {
  if (job.stage !== STAGING_STAGE) return { intercept: false, reason: `job is on ${job.stage}, not ${STAGING_STAGE}` };
  if (!options.enabled) return { intercept: false, reason: 'the staging runner is disabled (ORCH_STAGING_RUNNER_ENABLED=false)' };
  if (!repoInScope(options.scope, task.repo)) {
    return { intercept: false, reason: `repo ${task.repo} is not in ORCH_STAGING_RUNNER_REPOS (${options.scope.entries.join(', ') || 'empty'})` };
  }
  return { intercept: true, reason: `repo ${task.repo} is in ORCH_STAGING_RUNNER_REPOS (${options.scope.entries.join(', ')})` };
}
