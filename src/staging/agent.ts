// The staging runner as a reserved agent: launchJob consults it BEFORE any spawn and, when it
// applies (a deploy-staging job, the runner enabled, the repo in ORCH_STAGING_RUNNER_REPOS), it
// replaces the LLM deployer. Anything else, and a fallback, keeps the LLM deployer path.
import type { ReservedAgent, RunContext } from '../launcher/types.ts';
import { STAGING_RUNNER_ROLE, STAGING_STAGE, stagingRunnerApplies } from './intercept.ts';
import { resolveStagingOptions } from './options.ts';
import { runStagingJob } from './runner.ts';

export const stagingRunner: ReservedAgent = Object.freeze({
  name: STAGING_RUNNER_ROLE,
  stage: STAGING_STAGE,
  applies: (ctx: Pick<RunContext, 'task' | 'job' | 'config'>) => stagingRunnerApplies(resolveStagingOptions(ctx.config), ctx.task, ctx.job).intercept,
  run: (ctx: RunContext) => runStagingJob(ctx),
});
