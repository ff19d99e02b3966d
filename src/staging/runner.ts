// The staging runner (ORCH-115): runs THE staging suite for a deploy-staging job and produces
// 15-staging-log.md exactly as a finished LLM deployer would, for the unchanged
// check_staging_status gate. It never raises: any internal error becomes a `fallback` outcome
// (launchJob runs the LLM deployer instead, and the finish handler records it, so it is counted).
import { ERROR_CODES, OrchError, errorMessage, isOrchError } from '../errors.ts';
import { resolveSuiteCommand } from '../config/suite-command.ts';
import { conclude } from './conclude.ts';
import { maskValues, secretValues } from '../secrets/mask.ts';
import type { ResolvedStagingOptions } from './options.ts';
import { STAGING_PROFILE, type SuiteProfile } from './profile.ts';
import { classifyRun, decideStagingOutcome } from '../core/staging-outcome.ts';
import { type Classification } from '../core/staging-outcome.ts';
import { describeDeps, depsOptionsFromConfig, prepareDependencies } from './deps.ts';
import { causeLine } from './cause.ts';
import type { ReservedFallback, RunContext, RunResultFields } from '../launcher/types.ts';
import { roleForStage } from '../core/stages.ts';
import { runsDetail, type RunRecord } from './record.ts';
import { readTreeState, runSuite } from './suite.ts';
import type { StagedRun, StagingDeps, StagingJobInput, StagingOutcome } from './types.ts';

export type { StagedRun, StagingDeps, StagingJobInput, StagingOutcome } from './types.ts';

async function attempt(deps: StagingDeps, input: StagingJobInput, options: ResolvedStagingOptions, now: () => Date): Promise<StagedRun> {
  const { task, job, worktree } = input;
  const profile = deps.profile ?? STAGING_PROFILE;
  if (job.stage !== profile.stage || job.task_id !== task.id) {
    throw new OrchError(ERROR_CODES.STAGING_FAILED, `job ${job.id} (${job.stage}, task ${job.task_id}) is not a ${profile.stage} job of task ${task.id}`);
  }
  const suiteKey = options.suiteKey ?? 'ORCH_STAGING_SUITE_CMD';
  const command = resolveSuiteCommand(options.suiteCmd, worktree, suiteKey);
  if (command === null) {
    throw new OrchError(ERROR_CODES.STAGING_FAILED, `no ${profile.suite}: ${suiteKey} is empty and ${worktree}/package.json has no test script`);
  }
  const env = deps.env ?? process.env;
  const before = await readTreeState(worktree);
  // Dependencies first: a suite without its node_modules "fails" with 127, never a verdict.
  const prep = await prepareDependencies(depsOptionsFromConfig(deps.config), {
    worktree,
    env,
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.proc ? { proc: input.proc } : {}),
    notice: (line) => process.stderr.write(`orch: ${line}\n`),
  });
  const result = prep.kind === 'failed' ? prep.result : await runSuite(options, command, worktree, env, input.signal, input.proc);
  const classification: Classification =
    prep.kind !== 'failed'
      ? classifyRun(result, profile.timeoutKey)
      : result.outcome === 'cancelled'
        ? { level: 'cancelled' }
        : { level: 'tool-error', cause: 'install-failed', detail: describeDeps(prep) };
  // One instant for the decision and the record: a deferred run's notBefore is exactly `at` plus its backoff.
  const decidedAt = now();
  const decision = decideStagingOutcome({
    classification,
    infraAttempts: job.infra_attempts,
    infraRetries: options.infraRetries,
    backoffMs: options.backoffMs,
    now: decidedAt,
  });
  const facts: RunRecord = {
    at: decidedAt.toISOString(),
    result: 'passed',
    reason: maskValues(decision.reason, secretValues(env)),
    exitCode: result.exitCode,
    signal: result.signal,
    durationMs: result.durationMs,
    commit: before.sha,
    command: [...command.argv],
    logPath: result.logPath,
    stderrLogPath: result.stderrLogPath,
    line: prep.kind === 'failed' ? prep.line : causeLine(result, options.timeoutMs),
    deps: describeDeps(prep),
    survivors: result.survivors,
  };
  switch (decision.action) {
    case 'fallback':
      throw new OrchError(ERROR_CODES.STAGING_FAILED, decision.reason);
    case 'release':
      return { outcome: { kind: 'cancelled', reason: decision.reason }, record: null };
    case 'defer': {
      const { cause, infraAttempt, notBefore, reason } = decision;
      return {
        outcome: { kind: 'deferred', cause, infraAttempt, notBefore, durationMs: result.durationMs, reason },
        record: { run: { ...facts, result: 'deferred', cause, infraAttempt, notBefore }, infraError: true },
      };
    }
    case 'verdict':
    case 'fail-closed': {
      const after = await readTreeState(worktree).catch(() => null);
      return conclude(deps, input, { options, env, command: prep.kind === 'failed' ? { argv: prep.plan.argv, source: 'install' } : command, before, after, result, decision, facts });
    }
  }
}

function fallback(deps: StagingDeps, error: unknown, at: string): StagedRun & { outcome: { kind: 'fallback' } } {
  const errno = (error as NodeJS.ErrnoException | null)?.code;
  const code = isOrchError(error) ? error.code : typeof errno === 'string' ? errno : ERROR_CODES.STAGING_FAILED;
  const reason = maskValues(errorMessage(error), secretValues(deps.env ?? process.env));
  return { outcome: { kind: 'fallback', reason, code }, record: { run: { at, result: 'fallback', reason, cause: code } } };
}

/**
 * Run the staging suite for a deploy-staging job and write its artifact; no store writes. Never
 * throws: an internal error is the `fallback` outcome (the LLM deployer must take the job).
 */
export async function stageSuite(deps: StagingDeps, input: StagingJobInput): Promise<StagedRun> {
  const now = deps.now ?? (() => new Date());
  try {
    const options = deps.options ?? (deps.profile ?? STAGING_PROFILE).resolveOptions(deps.config);
    return await attempt(deps, input, options, now);
  } catch (error) {
    return fallback(deps, error, now().toISOString());
  }
}

/** The outcome as the launcher's result: the finish handler records it like any agent's run. */
export function toRunResult(staged: StagedRun, jobDetail: string | null, profile: SuiteProfile = STAGING_PROFILE): RunResultFields | ReservedFallback {
  const { outcome, record } = staged;
  if (outcome.kind === 'cancelled' || record === null) return { status: 'cancelled', reason: outcome.reason, exitCode: null };
  const detail = { [profile.outcomeKey]: outcome, ...runsDetail(jobDetail, record.run, profile.detailKey) };
  const verdictKey = roleForStage(profile.stage)?.verdictKey ?? 'staging_status';
  switch (outcome.kind) {
    case 'fallback':
      return { status: 'fallback', reason: `${profile.agent.replace('-', ' ')}: ${outcome.reason}`, detail };
    case 'deferred':
      return { status: 'deferred', reason: outcome.reason, exitCode: null, notBefore: outcome.notBefore, infraError: true, detail: { outcome: 'deferred', ...detail } };
    case 'finished': {
      const alerts = record.alert ? [{ kind: profile.alertKind, ...record.alert }] : [];
      const validated = record.validatedSha === undefined ? {} : { validatedSha: record.validatedSha };
      // Like any agent that ran to its end: exit 0, the gate judges the artifact (the suite's code is in the detail).
      return { status: 'ok', reason: `${verdictKey}: ${outcome.status}`, exitCode: 0, ...validated, infraError: record.infraError === true, alerts, detail };
    }
  }
}

/**
 * The reserved agent's run (ORCH-115): stage the suite in the job's worktree at ctx.tip, under
 * the job's process options, and hand the outcome to the finish handler. Never throws.
 */
export async function runStagingJob(ctx: RunContext, deps: Partial<StagingDeps> = {}): Promise<RunResultFields | ReservedFallback> {
  const staged = await stageSuite({ config: ctx.config, ...deps }, { task: ctx.task, job: ctx.job, worktree: ctx.worktree, signal: ctx.signal, proc: ctx.proc });
  return toRunResult(staged, ctx.job.detail, deps.profile);
}
