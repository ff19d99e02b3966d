// THE backoff policy (pure): every wait in orch that grows after a failure doubles from its first
// delay and stops at a cap. One function and one validated cap, so the gate's infra re-queues, the
// staging and test runners' deferred re-runs and the merge gate's wait for a busy lock cannot drift
// apart. The cap is a multiple of the first delay: a stuck resource is retried, not forgotten.

/** The largest cap any backoff may have, as a multiple of its first delay. */
export const MAX_BACKOFF_FACTOR = 32;

export interface BackoffPolicy {
  /** The first delay (attempt 1), in milliseconds: finite and >= 0. */
  readonly firstMs: number;
  /** The cap, as a multiple of firstMs: a whole number from 1 to MAX_BACKOFF_FACTOR. @default MAX_BACKOFF_FACTOR */
  readonly maxFactor?: number;
}

/** Why `policy` is not a backoff policy, or null when it is one. */
export function backoffPolicyProblem(policy: BackoffPolicy): string | null {
  if (!Number.isFinite(policy.firstMs) || policy.firstMs < 0) return `firstMs must be a finite number of milliseconds >= 0, got ${policy.firstMs}`;
  const factor = policy.maxFactor ?? MAX_BACKOFF_FACTOR;
  if (!Number.isInteger(factor) || factor < 1 || factor > MAX_BACKOFF_FACTOR) return `maxFactor must be a whole number from 1 to ${MAX_BACKOFF_FACTOR}, got ${factor}`;
  return null;
}

/**
 * The delay before attempt number `attempt` (1-based): firstMs * 2^(attempt-1), at most
 * firstMs * maxFactor, rounded to whole milliseconds. Throws a RangeError naming the bad value
 * for a policy that breaks the rules above or an attempt that is not a whole number >= 1.
 */
export function backoffMs(policy: BackoffPolicy, attempt: number): number {
  const problem = backoffPolicyProblem(policy);
  if (problem !== null) throw new RangeError(`backoff policy: ${problem}`);
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`backoff attempt must be a whole number >= 1, got ${attempt}`);
  const factor = policy.maxFactor ?? MAX_BACKOFF_FACTOR;
  // 2^5 = 32 already reaches the largest cap: a larger exponent only risks Infinity.
  const doubled = 2 ** Math.min(attempt - 1, 30);
  return Math.round(policy.firstMs * Math.min(doubled, factor));
}
