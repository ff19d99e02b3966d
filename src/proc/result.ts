// The result of a run, for success and failure alike, and the shell's view of it (exit codes).
import { constants } from 'node:os';
import type { Outcome, RunError } from '../core/run-outcome.ts';

export interface RunResult {
  readonly outcome: Outcome;
  /** Set when the command exited by itself (also after a timeout that it outlived by exiting). */
  readonly exitCode: number | null;
  /** The signal that ended the command's main process, whoever sent it. */
  readonly signal: NodeJS.Signals | null;
  /** Spawn to the end of the run, including the tree kill. */
  readonly durationMs: number;
  readonly stdoutTail: string;
  readonly stderrTail: string;
  /** Bytes this run wrote to each stream (the tails hold at most `tailBytes` of them). */
  readonly stdoutBytes: number;
  readonly stderrBytes: number;
  /** The stdout log (null with stdio 'inherit' or when no log could be opened). */
  readonly logPath: string | null;
  readonly stderrLogPath: string | null;
  /** Processes orch signalled that are gone: the tree on timeout/cancel, the leftovers after an exit. */
  readonly killed: number;
  /** Processes of the run still alive at the end; null when they cannot be counted (no /proc). */
  readonly survivors: number | null;
  readonly pid: number | null;
  readonly runId: string;
  readonly startedAt: string;
  /** Whether the tree kill ran (false: plain execa fallback). */
  readonly treeKill: boolean;
  readonly command: readonly string[];
  readonly error: RunError | null;
}

/** Exit codes as shells and timeout(1) report them. */
export const SHELL_EXIT = { timeout: 124, orchFailed: 125, notExecutable: 126, notFound: 127 } as const;

/**
 * The exit code a shell would show for this result: the command's own code, 124 on timeout,
 * 128+n for a signal, 126/127 for not executable / not found, 125 when orch itself failed.
 */
export function shellExitCode(result: RunResult, cancelSignal: NodeJS.Signals = 'SIGTERM'): number {
  switch (result.outcome) {
    case 'exited':
      return result.exitCode ?? SHELL_EXIT.orchFailed;
    case 'timeout':
      return SHELL_EXIT.timeout;
    case 'cancelled':
      return 128 + (constants.signals[cancelSignal] ?? 15);
    case 'signaled':
      return 128 + (result.signal === null ? 0 : (constants.signals[result.signal] ?? 0));
    case 'spawn-error':
      if (result.error?.code === 'ENOENT') return SHELL_EXIT.notFound;
      if (result.error?.code === 'EACCES' || result.error?.code === 'ENOEXEC') return SHELL_EXIT.notExecutable;
      return SHELL_EXIT.orchFailed;
  }
}
