// The staging runner (ORCH-115): runs THE staging suite for a deploy-staging job and produces
// 15-staging-log.md exactly as a finished LLM deployer would, for the unchanged
// check_staging_status gate. It never raises: any internal error becomes a `fallback` outcome
// (the caller runs the LLM deployer instead) and is recorded, so it is counted.
import { ERROR_CODES, OrchError, errorMessage, isOrchError } from '../errors.ts';
import { resolveSuiteCommand } from './command.ts';
import { conclude } from './conclude.ts';
import { STAGING_STAGE } from './intercept.ts';
import { maskSecrets, secretValues } from './mask.ts';
import { resolveStagingOptions, type ResolvedStagingOptions } from './options.ts';
import { classifyRun, decideStagingOutcome } from './outcome.ts';
import { recordRun, type RecordInput, type RunRecord } from './record.ts';
import { readTreeState, runSuite } from './suite.ts';
import type { StagedRun, StagingDeps, StagingJobInput, StagingOutcome } from './types.ts';

export type { StagedRun, StagingDeps, StagingJobInput, StagingOutcome } from './types.ts';

async function attempt(deps: StagingDeps, input: StagingJobInput, options: ResolvedStagingOptions, now: () => Date): Promise<StagedRun> {
  const { task, job, worktree } = input;
  if (job.stage !== STAGING_STAGE || job.task_id !== task.id) {
    throw new OrchError(ERROR_CODES.STAGING_FAILED, `job ${job.id} (${job.stage}, task ${job.task_id}) is not a ${STAGING_STAGE} job of task ${task.id}`);
  }
  const command = resolveSuiteCommand(options.suiteCmd, worktree);
  if (command === null) {
    throw new OrchError(ERROR_CODES.STAGING_FAILED, `no staging suite: ORCH_STAGING_SUITE_CMD is empty and ${worktree}/package.json has no test script`);
  }
  const env = deps.env ?? process.env;
  const before = await readTreeState(worktree);
  const result = await runSuite(options, command, worktree, env, input.signal);
  const decision = decideStagingOutcome({
    classification: classifyRun(result),
    infraAttempts: job.infra_attempts,
    infraRetries: options.infraRetries,
    backoffMs: options.backoffMs,
    now: now(),
  });
  const facts: RunRecord = {
    at: now().toISOString(),
    result: 'passed',
    reason: maskSecrets(decision.reason, secretValues(env)),
    exitCode: result.exitCode,
    signal: result.signal,
    durationMs: result.durationMs,
    commit: before.sha,
    command: [...command.argv],
    logPath: result.logPath,
    survivors: result.survivors,
  };
  const ids = { jobId: job.id, taskId: task.id };
  switch (decision.action) {
    case 'fallback':
      throw new OrchError(ERROR_CODES.STAGING_FAILED, decision.reason);
    case 'release':
      return { outcome: { kind: 'cancelled', reason: decision.reason }, record: { ...ids, run: { ...facts, result: 'cancelled' } } };
    case 'defer': {
      const { cause, infraAttempt, notBefore, reason } = decision;
      return {
        outcome: { kind: 'deferred', cause, infraAttempt, notBefore, applied: false, durationMs: result.durationMs, reason },
        record: { ...ids, run: { ...facts, result: 'deferred', cause, infraAttempt, notBefore }, defer: { notBefore, infraAttempts: infraAttempt } },
      };
    }
    case 'verdict':
    case 'fail-closed': {
      const after = await readTreeState(worktree).catch(() => null);
      return conclude(deps, input, { options, env, command, before, after, result, decision, facts });
    }
  }
}

function fallback(deps: StagingDeps, input: StagingJobInput, error: unknown, at: string): { outcome: StagingOutcome & { kind: 'fallback' }; record: RecordInput } {
  const errno = (error as NodeJS.ErrnoException | null)?.code;
  const code = isOrchError(error) ? error.code : typeof errno === 'string' ? errno : ERROR_CODES.STAGING_FAILED;
  const reason = maskSecrets(errorMessage(error), secretValues(deps.env ?? process.env));
  return { outcome: { kind: 'fallback', reason, code }, record: { jobId: input.job.id, taskId: input.task.id, run: { at, result: 'fallback', reason, cause: code } } };
}

/**
 * Run the staging suite for a deploy-staging job and write its artifact; no store writes. Never
 * throws: an internal error is the `fallback` outcome (the LLM deployer must take the job).
 */
export async function stageSuite(deps: StagingDeps, input: StagingJobInput): Promise<StagedRun> {
  const now = deps.now ?? (() => new Date());
  try {
    const options = deps.options ?? resolveStagingOptions(deps.config);
    return await attempt(deps, input, options, now);
  } catch (error) {
    return fallback(deps, input, error, now().toISOString());
  }
}

/**
 * stageSuite, then record what it asks in one transaction. Never throws: a store that refuses the
 * record turns the outcome into a fallback (itself recorded if the store takes it).
 */
export async function runStagingJob(deps: StagingDeps, input: StagingJobInput): Promise<StagingOutcome> {
  const staged = await stageSuite(deps, input);
  try {
    const recorded = staged.record === null ? null : await recordRun(deps.store, staged.record);
    return staged.outcome.kind === 'deferred' ? { ...staged.outcome, applied: recorded?.deferApplied ?? false } : staged.outcome;
  } catch (error) {
    if (staged.outcome.kind === 'fallback') return staged.outcome;
    const failed = fallback(deps, input, error, new Date().toISOString());
    await recordRun(deps.store, failed.record).catch(() => undefined);
    return failed.outcome;
  }
}
