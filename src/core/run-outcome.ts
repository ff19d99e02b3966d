// How a process run ended, as plain data: what the process-group runner (src/proc) reports and
// what the decisions over a run (the staging outcome, the re-test classification) read.

export const OUTCOMES = ['exited', 'timeout', 'spawn-error', 'signaled', 'cancelled'] as const;
/**
 * exited: the command ended by itself with an exit code.
 * timeout / cancelled: orch killed the tree (deadline reached / AbortSignal or orch's own shutdown).
 * signaled: the command died from a signal orch did NOT send (a crash, or someone else's kill).
 * spawn-error: the command never ran (not found, not executable, bad options, runner failure).
 */
export type Outcome = (typeof OUTCOMES)[number];

export interface RunError {
  /** ENOENT, EACCES, ... from the spawn, or an orch error code (ORCH_INVALID_INPUT, ORCH_PROC_FAILED). */
  readonly code: string;
  readonly message: string;
}

/** The facts of a run that decisions read; the runner's RunResult has these and more. */
export interface RunFacts {
  readonly outcome: Outcome;
  /** Set when the command exited by itself. */
  readonly exitCode: number | null;
  /** The signal that ended the command's main process, whoever sent it. */
  readonly signal: string | null;
  readonly durationMs: number;
  readonly stdoutTail: string;
  readonly stderrTail: string;
  readonly error: RunError | null;
}
