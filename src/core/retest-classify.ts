// classifyRetestFailure (SPEC §7): why a re-test on the rebased HEAD did not pass, as one of
// timeout | lock-busy | red | other. Pure: a function of the run's result and the configured
// lock-busy patterns. Only `red` is the code's fault; the other three are infrastructure.
import type { RunFacts } from './run-outcome.ts';

export const RETEST_FAILURES = ['timeout', 'lock-busy', 'red', 'other'] as const;
export type RetestFailure = (typeof RETEST_FAILURES)[number];

/** The classes that are not the code's fault: they re-queue instead of rolling back. */
export const INFRA_FAILURES: ReadonlySet<string> = new Set<RetestFailure>(['timeout', 'lock-busy', 'other']);

/** Signals a program raises against itself when it crashes: the code under test is at fault. */
export const CRASH_SIGNALS: ReadonlySet<string> = new Set(['SIGSEGV', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGILL']);

/** Shell exit codes for "could not execute" and "command not found": the suite never ran. */
const NOT_RUN_EXIT_CODES: ReadonlySet<number> = new Set([126, 127]);

export interface Classified {
  readonly failure: RetestFailure;
  /** One line saying what was seen. */
  readonly reason: string;
}

/** The re-test passed: it exited by itself with code 0. Anything else is a failure to classify. */
export function retestPassed(result: Pick<RunFacts, 'outcome' | 'exitCode'>): boolean {
  return result.outcome === 'exited' && result.exitCode === 0;
}

/** The first configured pattern found in the output, or null. Plain substrings, case-sensitive. */
export function lockBusyPattern(result: Pick<RunFacts, 'stdoutTail' | 'stderrTail'>, patterns: readonly string[]): string | null {
  for (const pattern of patterns) {
    if (pattern !== '' && (result.stderrTail.includes(pattern) || result.stdoutTail.includes(pattern))) return pattern;
  }
  return null;
}

type ClassifyInput = Pick<RunFacts, 'outcome' | 'exitCode' | 'signal' | 'stdoutTail' | 'stderrTail' | 'durationMs' | 'error'>;

/**
 * Classify a failed re-test. Rules, in order: orch's timeout -> timeout; the run never started
 * (spawn error, exit 126/127) or orch cancelled it -> other; killed by a crash signal -> red;
 * killed by any other signal orch did not send (an external SIGKILL/SIGTERM, the OOM killer) ->
 * other; exited non-zero with a lock-busy pattern in its output -> lock-busy; else -> red.
 * A passing result is a caller bug.
 */
export function classifyRetestFailure(result: ClassifyInput, lockPatterns: readonly string[]): Classified {
  switch (result.outcome) {
    case 'timeout':
      return { failure: 'timeout', reason: `re-test timed out after ${Math.round(result.durationMs / 100) / 10}s; its process tree was killed` };
    case 'cancelled':
      return { failure: 'other', reason: 're-test was cancelled (orch was stopping)' };
    case 'spawn-error':
      return { failure: 'other', reason: `re-test could not start: ${result.error?.code ?? 'error'}: ${result.error?.message ?? 'unknown'}` };
    case 'signaled': {
      const signal = result.signal ?? 'an unknown signal';
      if (CRASH_SIGNALS.has(signal)) return { failure: 'red', reason: `re-test crashed with ${signal}` };
      return { failure: 'other', reason: `re-test was killed by ${signal}, which orch did not send` };
    }
    case 'exited': {
      const code = result.exitCode;
      if (code === 0) throw new Error('classifyRetestFailure: the re-test passed; only failures are classified');
      if (code !== null && NOT_RUN_EXIT_CODES.has(code)) return { failure: 'other', reason: `re-test command could not run (exit ${code}: ${code === 127 ? 'not found' : 'not executable'})` };
      const pattern = lockBusyPattern(result, lockPatterns);
      if (pattern !== null) return { failure: 'lock-busy', reason: `re-test failed (exit ${code}) on a busy resource: output contains ${JSON.stringify(pattern)}` };
      return { failure: 'red', reason: `re-test failed with exit code ${code}` };
    }
  }
}
