// How long a gate waits before asking a busy merge lock again (pure): waiting for the lock is not
// a fault, so the gate waits in-process (bounded by ORCH_MERGE_LOCK_WAIT_S) instead of deferring
// the task and re-running its staging suite. The backoff policy (src/core/backoff.ts) from
// LOCK_WAIT_FIRST_MS, capped at LOCK_WAIT_MAX_MS, spread by a jitter in [0, 1) so gates that queue
// together do not ask together, and never past the time left.
import { backoffMs, type BackoffPolicy } from './backoff.ts';

export const LOCK_WAIT_FIRST_MS = 200;
export const LOCK_WAIT_MAX_MS = 2_000;
const LOCK_WAIT_BACKOFF: BackoffPolicy = Object.freeze({ firstMs: LOCK_WAIT_FIRST_MS, maxFactor: LOCK_WAIT_MAX_MS / LOCK_WAIT_FIRST_MS });

/** Delay before the `attempt`-th (1-based) re-try of a busy lock, `remainingMs` left to wait. */
export function lockWaitDelayMs(attempt: number, remainingMs: number, jitter: number): number {
  if (!(remainingMs > 0)) return 0;
  const doubled = backoffMs(LOCK_WAIT_BACKOFF, attempt);
  const spread = doubled * (0.5 + 0.5 * Math.min(Math.max(jitter, 0), 1));
  return Math.max(1, Math.round(Math.min(spread, remainingMs)));
}
