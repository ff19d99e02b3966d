// The end of a run that has a verdict (the suite's, or FAILED when the infra budget is spent):
// write 15-staging-log.md, and say what the finish handler records: the run, validated_sha, the one infra alert.
import { ERROR_CODES, OrchError, errorMessage } from '../errors.ts';
import { artifactPath } from '../config/task-paths.ts';
import { roleForStage } from '../core/stages.ts';
import { shellExitCode, type RunResult } from '../proc/index.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { renderStagingLog } from './artifact.ts';
import type { SuiteCommand } from '../config/suite-command.ts';
import { maskValues, secretValues } from '../secrets/mask.ts';
import type { ResolvedStagingOptions } from './options.ts';
import { STAGING_PROFILE } from './profile.ts';
import type { StagingDecision } from '../core/staging-outcome.ts';
import type { RecordInput, RunRecord } from './record.ts';
import type { TreeState } from './suite.ts';
import { boundTails } from './tail.ts';
import type { StagedRun, StagingDeps, StagingFinished, StagingJobInput } from './types.ts';

export interface Concluding {
  readonly options: ResolvedStagingOptions;
  readonly env: NodeJS.ProcessEnv;
  readonly command: SuiteCommand;
  readonly before: TreeState;
  readonly after: TreeState | null;
  readonly result: RunResult;
  readonly decision: Extract<StagingDecision, { action: 'verdict' | 'fail-closed' }>;
  /** The run's facts for the job record. */
  readonly facts: RunRecord;
}

/** Why the tree that ran is not exactly `before.sha`, or null when it is. */
export function commitNote(before: TreeState, after: TreeState | null): string | null {
  if (before.dirty) return 'the worktree had uncommitted changes to tracked files, so this commit is not exactly what was tested';
  if (after === null) return 'HEAD could not be read after the run';
  if (after.sha !== before.sha) return `HEAD moved to ${after.sha} during the run`;
  return null;
}

/** Write the artifact; return the outcome and what to record (the caller records it). */
export function conclude(deps: StagingDeps, input: StagingJobInput, c: Concluding): StagedRun & { outcome: StagingFinished } {
  const { task, job, worktree } = input;
  const { result, decision, options } = c;
  const failClosed = decision.action === 'fail-closed';
  const status = decision.action === 'verdict' ? decision.status : 'FAILED';
  const note = commitNote(c.before, c.after);
  const secrets = secretValues(c.env);
  const mask = (text: string) => maskValues(text, secrets);
  const tails = boundTails(mask(result.stdoutTail), mask(result.stderrTail));
  const profile = deps.profile ?? STAGING_PROFILE;
  const role = roleForStage(profile.stage);
  if (!role) throw new OrchError(ERROR_CODES.STAGING_FAILED, `no role produces the ${profile.stage} artifact`);
  const path = artifactPath(deps.config, task.id, role.artifact);
  const text = renderStagingLog({
    taskId: task.id,
    jobId: job.id,
    jobAttempt: job.attempt,
    status,
    reason: mask(decision.reason),
    failClosed,
    command: c.command.argv.map(mask),
    commandSource: c.command.source,
    dependencies: c.facts.deps ? mask(c.facts.deps) : null,
    worktree,
    commit: c.before.sha,
    commitNote: note,
    outcome: result.outcome,
    exitCode: result.exitCode,
    signal: result.signal,
    durationMs: result.durationMs,
    timeoutMs: options.timeoutMs,
    startedAt: result.startedAt,
    infraAttempts: failClosed ? decision.infraAttempt : job.infra_attempts,
    infraRetries: options.infraRetries,
    killed: result.killed,
    survivors: result.survivors,
    logPath: result.logPath,
    stderrLogPath: result.stderrLogPath,
    tails: {
      ...tails,
      stdoutCut: tails.stdoutCut || result.stdoutBytes > Buffer.byteLength(result.stdoutTail),
      stderrCut: tails.stderrCut || result.stderrBytes > Buffer.byteLength(result.stderrTail),
    },
    title: profile.title,
    producer: profile.producer,
    suite: profile.suite,
    ...(role.verdictKey ? { verdictKey: role.verdictKey } : {}),
  });
  try {
    writeFileAtomic(path, text);
  } catch (error) {
    throw new OrchError(ERROR_CODES.STAGING_FAILED, `cannot write the artifact ${path}: ${errorMessage(error)}`, { cause: error });
  }

  // Only a PASSED run of exactly this commit validates it; anything else clears an older value.
  // A runner that does not validate (the test runner) leaves the value alone (undefined).
  const validatedSha = !profile.validates ? undefined : status === 'PASSED' && note === null ? c.before.sha : null;
  const record: RecordInput =
    decision.action === 'fail-closed'
      ? {
          validatedSha,
          infraError: true,
          run: { ...c.facts, result: 'exhausted', cause: decision.cause, infraAttempt: decision.infraAttempt },
          alert: {
            // One alert per episode: the job is the episode, so re-running it cannot raise a second.
            dedupeKey: `${profile.alertKind}:task-${task.id}:job-${job.id}`,
            message: `task ${task.id}: the ${profile.suite} could not run (${decision.cause}) after ${options.infraRetries} deferred re-run(s); failed closed with ${role.verdictKey ?? 'staging_status'}: FAILED`,
            detail: { jobId: job.id, cause: decision.cause, infraAttempts: decision.infraAttempt, logPath: result.logPath },
          },
        }
      : { validatedSha, run: { ...c.facts, result: status === 'PASSED' ? 'passed' : 'failed' } };
  const outcome: StagingFinished = {
    kind: 'finished',
    status,
    failClosed,
    exitCode: shellExitCode(result),
    durationMs: result.durationMs,
    startedAt: result.startedAt,
    commit: c.before.sha,
    validatedSha: validatedSha ?? null,
    artifactPath: path,
    reason: decision.reason,
  };
  return { outcome, record };
}
