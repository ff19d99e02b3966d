// staging-runner (deploy-staging): the staging runner (src/staging, ORCH-115) as a reserved agent,
// so launchJob takes it BEFORE any LLM spawn for the repos it is enabled for. The runner records
// its own facts on the job (its run in jobs.detail, a deferral with not_before and the infra
// attempt, validated_sha, the one infra alert); this adapter only turns its outcome into the
// finish handler's terms. A deferral was already written by the runner (it released the job), so
// the finish handler finds no lease to complete and writes nothing more for it.
import type { ReservedAgent, ReservedFallback, RunContext, RunResultFields } from '../launcher/types.ts';
import { resolveStagingOptions, runStagingJob, stagingRunnerApplies, STAGING_RUNNER_ROLE, STAGING_STAGE } from '../staging/index.ts';

async function run(ctx: RunContext): Promise<RunResultFields | ReservedFallback> {
  const out = await runStagingJob({ store: ctx.store, config: ctx.config }, { task: ctx.task, job: ctx.job, worktree: ctx.worktree, signal: ctx.signal });
  switch (out.kind) {
    case 'finished':
      return { status: 'ok', reason: out.reason, exitCode: out.exitCode, validatedSha: out.validatedSha, detail: { outcome: 'exited', artifact: out.artifactPath, failClosed: out.failClosed } };
    case 'deferred':
      return { status: 'deferred', reason: out.reason, exitCode: null, notBefore: out.notBefore, detail: { outcome: 'deferred', cause: out.cause } };
    case 'cancelled':
      return { status: 'cancelled', reason: out.reason, exitCode: null };
    case 'fallback':
      return { status: 'fallback', reason: out.reason };
  }
}

export const stagingRunnerAgent: ReservedAgent = Object.freeze({
  name: STAGING_RUNNER_ROLE,
  stage: STAGING_STAGE,
  applies: (ctx: Pick<RunContext, 'task' | 'job' | 'config'>) => stagingRunnerApplies(resolveStagingOptions(ctx.config), ctx.task, ctx.job).intercept,
  run,
});
