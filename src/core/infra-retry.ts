// The infra branch of the gate decision (pure): a check that defers for an infrastructure reason
// and carries a retry policy gets its stage's job re-queued with backoff, the task staying on its
// stage (no rollback, no developer job); once the budget is spent the task is blocked with ONE
// alert until an operator runs `orch task retry`.
import { backoffMs } from './backoff.ts';
import type { GateResultInput, InfraRetryPolicy } from './check.ts';

/** Delay before re-queue number `attempt` (1-based): the backoff policy (src/core/backoff.ts). */
export function infraBackoffMs(policy: InfraRetryPolicy, attempt: number): number {
  return backoffMs({ firstMs: policy.backoffMs }, attempt);
}

export type InfraStep =
  | { readonly kind: 'requeue'; readonly attempt: number; readonly of: number; readonly delayMs: number }
  | { readonly kind: 'exhausted'; readonly attempts: number };

/** Re-queue while fewer than `policy.retries` re-queues were made for this episode. */
export function infraStep(policy: InfraRetryPolicy, done: number): InfraStep {
  if (done < policy.retries) {
    const attempt = done + 1;
    return { kind: 'requeue', attempt, of: policy.retries, delayMs: infraBackoffMs(policy, attempt) };
  }
  return { kind: 'exhausted', attempts: done };
}

/** The deferring check's record, annotated with what was done about it (counters read this). */
export function annotate(records: readonly GateResultInput[], checkId: string, step: InfraStep): GateResultInput[] {
  const note = step.kind === 'requeue' ? { infraRetry: { attempt: step.attempt, of: step.of, delayMs: step.delayMs } } : { infraExhausted: { attempts: step.attempts } };
  return records.map((r) => (r.checkId === checkId && r.verdict === 'defer' ? { ...r, detail: { ...r.detail, ...note } } : r));
}
