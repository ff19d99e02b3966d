// The staging runner's two-level outcome, as pure functions of a run's result (SPEC §6):
//   1. the suite executed (it exited with a code that is not 126/127) -> the exit code decides
//      the verdict: 0 PASSED, anything else FAILED (a code fault: the gate rolls back);
//   2. a tool error (it never ran, or did not finish: 126/127, spawn error, timeout, a signal)
//      -> defer within the infra budget with exponential backoff (src/core/backoff.ts), then fail closed.
// An infra fault is never a code fault's rollback until the budget is spent, and never a green.
import { backoffMs } from './backoff.ts';
import type { RunFacts as AnyRunFacts } from './run-outcome.ts';

export const STAGING_STATUSES = ['PASSED', 'FAILED'] as const;
export type StagingStatus = (typeof STAGING_STATUSES)[number];

/** The exit code of a suite that ran decides the verdict: 0 is PASSED, every other code FAILED. */
export function mapExitCodeToStatus(exitCode: number): StagingStatus {
  if (!Number.isInteger(exitCode)) throw new TypeError(`mapExitCodeToStatus: exit code must be a whole number, got ${exitCode}`);
  return exitCode === 0 ? 'PASSED' : 'FAILED';
}

export const TOOL_ERROR_CAUSES = Object.freeze({
  notFound: 'not-found',
  notExecutable: 'not-executable',
  spawnError: 'spawn-error',
  timeout: 'timeout',
  signal: 'signal',
  /** The worktree's dependencies could not be installed (src/staging/deps.ts). */
  installFailed: 'install-failed',
} as const);
export type ToolErrorCause = (typeof TOOL_ERROR_CAUSES)[keyof typeof TOOL_ERROR_CAUSES];

export type Classification =
  | { readonly level: 'executed'; readonly exitCode: number; readonly status: StagingStatus }
  | { readonly level: 'tool-error'; readonly cause: ToolErrorCause; readonly detail: string }
  /** orch cancelled the run (its own shutdown): no verdict and no infra attempt; the job is re-run. */
  | { readonly level: 'cancelled' }
  /** The process-group runner itself failed (bad options, log files): orch's fault, not the suite's. */
  | { readonly level: 'internal'; readonly detail: string };

type RunFacts = Pick<AnyRunFacts, 'outcome' | 'exitCode' | 'signal' | 'error'>;

/** Which level a run's result belongs to. */
export function classifyRun(result: RunFacts, timeoutKey = 'ORCH_STAGING_RUNNER_TIMEOUT_S'): Classification {
  switch (result.outcome) {
    case 'exited': {
      const code = result.exitCode ?? -1;
      if (code === 127) return { level: 'tool-error', cause: 'not-found', detail: 'exit code 127: a command of the suite was not found' };
      if (code === 126) return { level: 'tool-error', cause: 'not-executable', detail: 'exit code 126: a command of the suite is not executable' };
      if (code < 0) return { level: 'internal', detail: 'the suite exited without an exit code' };
      return { level: 'executed', exitCode: code, status: mapExitCodeToStatus(code) };
    }
    case 'timeout':
      return { level: 'tool-error', cause: 'timeout', detail: `the suite ran past ${timeoutKey} and its process tree was killed` };
    case 'signaled':
      return { level: 'tool-error', cause: 'signal', detail: `the suite was killed by ${result.signal ?? 'a signal'}, which orch did not send` };
    case 'cancelled':
      return { level: 'cancelled' };
    case 'spawn-error': {
      const code = result.error?.code ?? '';
      const message = result.error?.message ?? 'the suite could not be started';
      if (code.startsWith('ORCH_')) return { level: 'internal', detail: `${code}: ${message}` };
      if (code === 'ENOENT') return { level: 'tool-error', cause: 'not-found', detail: `${code}: ${message}` };
      if (code === 'EACCES' || code === 'ENOEXEC') return { level: 'tool-error', cause: 'not-executable', detail: `${code}: ${message}` };
      return { level: 'tool-error', cause: 'spawn-error', detail: `${code || 'spawn error'}: ${message}` };
    }
  }
}

export interface DecisionInput {
  readonly classification: Classification;
  /** jobs.infra_attempts before this run: tool errors this job already had. */
  readonly infraAttempts: number;
  /** ORCH_STAGING_RUNNER_INFRA_RETRIES. */
  readonly infraRetries: number;
  readonly backoffMs: number;
  readonly now: Date;
}

export type StagingDecision =
  | { readonly action: 'verdict'; readonly status: StagingStatus; readonly exitCode: number; readonly reason: string }
  | { readonly action: 'defer'; readonly cause: ToolErrorCause; readonly infraAttempt: number; readonly delayMs: number; readonly notBefore: string; readonly reason: string }
  | { readonly action: 'fail-closed'; readonly cause: ToolErrorCause; readonly infraAttempt: number; readonly reason: string }
  | { readonly action: 'release'; readonly reason: string }
  | { readonly action: 'fallback'; readonly reason: string };

/** What to do with a run: a verdict, a deferred re-run, failing closed, or handing the job back. */
export function decideStagingOutcome(input: DecisionInput): StagingDecision {
  const c = input.classification;
  if (c.level === 'executed') {
    return { action: 'verdict', status: c.status, exitCode: c.exitCode, reason: `the suite exited with code ${c.exitCode}: ${c.status}` };
  }
  if (c.level === 'cancelled') return { action: 'release', reason: 'orch cancelled the run (shutdown); the job is run again' };
  if (c.level === 'internal') return { action: 'fallback', reason: `the process-group runner failed: ${c.detail}` };
  const infraAttempt = input.infraAttempts + 1;
  if (infraAttempt <= input.infraRetries) {
    // The n-th infra re-run waits base * 2^(n-1), capped like every backoff (src/core/backoff.ts).
    const delayMs = backoffMs({ firstMs: input.backoffMs }, infraAttempt);
    const notBefore = new Date(input.now.getTime() + delayMs).toISOString();
    const reason = `tool error (${c.cause}): ${c.detail}; deferred re-run ${infraAttempt} of ${input.infraRetries} not before ${notBefore}`;
    return { action: 'defer', cause: c.cause, infraAttempt, delayMs, notBefore, reason };
  }
  const reason = `tool error (${c.cause}): ${c.detail}; the infra budget of ${input.infraRetries} re-run(s) is spent: failing closed`;
  return { action: 'fail-closed', cause: c.cause, infraAttempt, reason };
}
