// The JSON report of `orch stage` (SPEC §11) and its exit code, as functions of what the store
// recorded: the staging runner's last run on the job, the merge gate's gate result, and where the
// task ended up (the only other thing read is which of a run's two logs has any output). Nothing here is invented: a block the store has no facts for is null.
// The exit code of each verdict is the CLI's business (STAGE_EXIT in src/cli/exit.ts).
import { statSync } from 'node:fs';

/**
 * Of a run's two logs, the one to read: stderr when it has anything, else stdout. A suite that
 * reports its failures on stdout (uvu, tap, mocha) leaves stderr empty, and "full log: <an empty
 * file>" sent people nowhere.
 */
export function logToRead(stdout: string | null, stderr: string | null): string | null {
  // A run's record may keep only the stdout log (the re-test's): its stderr log lies beside it.
  const size = (path: string) => {
    try {
      return statSync(path).size;
    } catch {
      return 0;
    }
  };
  stderr ??= stdout === null ? null : stdout.endsWith('.stdout.log') ? `${stdout.slice(0, -'.stdout.log'.length)}.stderr.log` : null;
  if (stderr !== null && size(stderr) > 0) return stderr;
  if (stdout !== null && size(stdout) > 0) return stdout;
  return stderr ?? stdout;
}

export const STAGE_VERDICTS = ['advanced', 'rolled-back', 'deferred', 'failed-closed'] as const;
export type StageVerdict = (typeof STAGE_VERDICTS)[number];

export interface StagingBlock {
  readonly outcome: 'executed' | 'tool-error';
  readonly status: 'PASSED' | 'FAILED' | null;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly durationMs: number | null;
  readonly artifact: string | null;
  /** Which run of the stage's job this was: 1 + the infra attempts spent before it. */
  readonly attempt: number;
  readonly deferred: boolean;
  /** When a deferred job may run again. */
  readonly notBefore: string | null;
  readonly reason: string;
  /** Why it did not pass, in one line (`uvu: not found`, `timeout after 900 s`, the install's error). */
  readonly cause: string | null;
  /** The full log of the run (stdout; stderr beside it), or null. */
  readonly log: string | null;
}

export interface MergeGateBlock {
  readonly skippedRetest: boolean;
  readonly retest: { readonly outcome: string; readonly exitCode: number | null; readonly durationMs: number } | null;
  readonly classification: 'pass' | 'red' | 'conflict' | 'timeout' | 'lock-busy' | 'other';
  readonly action: 'merge' | 'up-to-date' | 'mergeable' | 'rollback' | 'infra-retry' | 'lock-wait' | 'alert';
  readonly merged: boolean;
  readonly baseBefore: string | null;
  readonly baseAfter: string | null;
  readonly reason: string;
  /** The re-test's full log, or null (skipped, not run). */
  readonly log: string | null;
}

export interface StageReport {
  readonly task: { readonly id: number; readonly repo: string; readonly branch: string; readonly base: string };
  readonly staging: StagingBlock | null;
  readonly mergeGate: MergeGateBlock | null;
  readonly verdict: StageVerdict;
  /** One line for people: why this verdict. */
  readonly reason: string;
  /** Unless advanced: the cause in one line (the missing program, the timeout, the lock's holder, the install error). */
  readonly cause: string | null;
  /** Unless advanced: the full log to read next, or null when no command ran. */
  readonly log: string | null;
}

/** One run of the staging runner as recorded in jobs.detail (src/staging/record.ts). */
export interface RunFacts {
  readonly result: 'passed' | 'failed' | 'deferred' | 'exhausted' | 'fallback' | 'cancelled';
  readonly reason: string;
  readonly cause: string | null;
  readonly exitCode: number | null;
  readonly durationMs: number | null;
  readonly infraAttempt: number | null;
  readonly notBefore: string | null;
  readonly line: string | null;
  readonly logPath: string | null;
  readonly stderrLogPath: string | null;
}

export function stagingBlock(run: RunFacts, artifact: string | null, priorInfraAttempts: number): StagingBlock {
  const executed = run.result === 'passed' || run.result === 'failed';
  const status = run.result === 'passed' ? 'PASSED' : run.result === 'failed' || run.result === 'exhausted' ? 'FAILED' : null;
  return {
    outcome: executed ? 'executed' : 'tool-error',
    status,
    exitCode: run.exitCode,
    timedOut: run.cause === 'timeout',
    durationMs: run.durationMs,
    artifact: status === null ? null : artifact,
    attempt: (run.infraAttempt ?? priorInfraAttempts + 1),
    deferred: run.result === 'deferred',
    notBefore: run.notBefore,
    reason: run.reason,
    cause: run.result === 'passed' ? null : (run.line ?? run.reason),
    log: logToRead(run.logPath, run.stderrLogPath),
  };
}

/** The merge gate's attempt as stored in its gate result's detail (src/core/merge-attempt.ts + route). */
export interface GateFacts {
  readonly verdict: 'pass' | 'fail' | 'defer';
  readonly reason: string;
  readonly detail: Record<string, unknown> | null;
}

const CLASSES = new Set(['pass', 'red', 'conflict', 'timeout', 'lock-busy', 'other']);

export function mergeGateBlock(gate: GateFacts, taskBlocked: boolean): MergeGateBlock {
  const d = gate.detail ?? {};
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const retest = d.retest as { outcome?: unknown; exitCode?: unknown; durationMs?: unknown } | null | undefined;
  const classification = CLASSES.has(String(d.classification)) ? (d.classification as MergeGateBlock['classification']) : gate.verdict === 'pass' ? 'pass' : 'other';
  const routed = str(d.action) as MergeGateBlock['action'] | null;
  // An infra retry that found the budget spent blocked the task with one alert.
  const action = taskBlocked && gate.verdict !== 'pass' ? 'alert' : (routed ?? (gate.verdict === 'pass' ? 'mergeable' : gate.verdict === 'fail' ? 'rollback' : 'infra-retry'));
  return {
    skippedRetest: d.skippedRetest === true,
    retest: retest ? { outcome: String(retest.outcome), exitCode: typeof retest.exitCode === 'number' ? retest.exitCode : null, durationMs: Number(retest.durationMs ?? 0) } : null,
    classification,
    action,
    merged: d.merged === true,
    baseBefore: str(d.baseBefore),
    baseAfter: str(d.baseAfter),
    reason: gate.reason,
    log: retest && typeof (retest as { logPath?: unknown }).logPath === 'string' ? logToRead((retest as { logPath: string }).logPath, null) : null,
  };
}

/** Where the task stands after the run, as the store says. */
export interface EndFacts {
  readonly stageBefore: string;
  readonly stageAfter: string;
  readonly taskState: string;
  readonly staging: StagingBlock | null;
  readonly mergeGate: MergeGateBlock | null;
  /** A gate or the runner asked to wait (the job is deferred or the gate deferred). */
  readonly waiting: boolean;
  /** --merge was given. */
  readonly merge: boolean;
}

export function verdictOf(f: EndFacts): { verdict: StageVerdict; reason: string } {
  const failClosed = f.staging?.outcome === 'tool-error' && f.staging.status === 'FAILED';
  if (f.taskState === 'blocked') return { verdict: 'failed-closed', reason: `the task is blocked on ${f.stageAfter}; \`orch task retry\` re-queues it` };
  if (f.stageAfter === 'development' && f.stageBefore !== 'development') {
    return failClosed
      ? { verdict: 'failed-closed', reason: `the staging suite could not run within the infra budget: failed closed, rolled back to development` }
      : { verdict: 'rolled-back', reason: f.mergeGate && f.mergeGate.action === 'rollback' ? `merge gate: ${f.mergeGate.reason}` : `staging FAILED: rolled back to development` };
  }
  if (f.mergeGate?.merged && f.stageAfter !== f.stageBefore) return { verdict: 'advanced', reason: `merged into the base (${f.mergeGate.baseAfter ?? '?'}); the task is on ${f.stageAfter}` };
  if (!f.merge && (f.staging === null || f.staging.status === 'PASSED') && f.mergeGate?.classification === 'pass') {
    return { verdict: 'advanced', reason: 'staging PASSED and the branch is mergeable; the base was not moved (no --merge)' };
  }
  if (f.stageAfter !== f.stageBefore && f.stageAfter !== 'development') return { verdict: 'advanced', reason: `the task moved to ${f.stageAfter}` };
  if (f.mergeGate?.action === 'lock-wait') return { verdict: 'deferred', reason: `waiting for the merge lock: ${f.mergeGate.reason}; a worker's sweep or the next \`orch stage --merge\` runs the gate again` };
  return { verdict: 'deferred', reason: f.waiting ? 'waiting: an infra problem is retried later by a worker or the next `orch stage`' : `the task stays on ${f.stageAfter}` };
}

/** The cause and log of a report that is not `advanced`: the staging run's, else the merge gate's. */
export function causeOf(staging: StagingBlock | null, mergeGate: MergeGateBlock | null, verdict: StageVerdict, reason: string): { cause: string | null; log: string | null } {
  if (verdict === 'advanced') return { cause: null, log: null };
  if (staging && staging.status !== 'PASSED') return { cause: staging.cause ?? staging.reason, log: staging.log };
  if (mergeGate && mergeGate.classification !== 'pass') return { cause: mergeGate.reason, log: mergeGate.log };
  return { cause: reason, log: staging?.log ?? null };
}
