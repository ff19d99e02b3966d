// staging-runner (deploy-staging): the staging runner (src/staging, ORCH-115) as a reserved agent,
// so launchJob takes it BEFORE any LLM spawn for the repos it is enabled for (enabled, and the
// repo in ORCH_STAGING_RUNNER_REPOS); anything else, and its fallback, keeps the LLM deployer.
// It writes no rows: runStagingJob turns its outcome into the finish handler's terms.
import type { ReservedAgent, RunContext } from '../launcher/types.ts';
import { stagingRunnerApplies, STAGING_RUNNER_ROLE, STAGING_STAGE } from '../staging/intercept.ts';
import { resolveStagingOptions } from '../staging/options.ts';
import { runStagingJob } from '../staging/runner.ts';

export const stagingRunnerAgent: ReservedAgent = Object.freeze({
  name: STAGING_RUNNER_ROLE,
  stage: STAGING_STAGE,
  applies: (ctx: Pick<RunContext, 'task' | 'job' | 'config'>) => stagingRunnerApplies(resolveStagingOptions(ctx.config), ctx.task, ctx.job).intercept,
  run: (ctx: RunContext) => runStagingJob(ctx),
});
