// The shape of a quality-gate check: a function of the task context whose result is data.
import type { Config } from '../../config/keys.ts';
import type { Store } from '../../store/db.ts';
import type { Task } from '../../store/schema.ts';

export interface GateContext {
  readonly task: Task;
  readonly config: Config;
  /** `$ORCH_HOME/tasks/<id>`: where the stage artifacts are. */
  readonly taskDir: string;
  /** The task's repository (its work tree's top-level folder). */
  readonly repo: string;
  /** For checks that keep state across processes (the merge lock). */
  readonly store: Store;
}

export const CHECK_VERDICTS = Object.freeze({ pass: 'pass', fail: 'fail', defer: 'defer' } as const);
export type CheckVerdict = (typeof CHECK_VERDICTS)[keyof typeof CHECK_VERDICTS];

/** Why a check deferred; advance() re-runs the producing job for the verdict causes. */
export const DEFER_CAUSES = Object.freeze({
  verdictMissing: 'verdict-missing',
  verdictInvalid: 'verdict-invalid',
  checkError: 'check-error',
  /** Infrastructure, not the code (timeout, lock busy, ...): a result with `retry` is re-queued. */
  infra: 'infra',
  /** Mergeable, but the caller did not ask to move the base: the task waits as `mergeable`. */
  mergeNotRequested: 'merge-not-requested',
} as const);

/** How an infra defer is retried: validated data, so decide() stays generic. */
export interface InfraRetryPolicy {
  /** Re-queues allowed before the task is blocked with one alert. */
  readonly retries: number;
  /** Delay before the first re-queue runs; each further one doubles it (capped at 32x). */
  readonly backoffMs: number;
}

export interface CheckResult {
  readonly verdict: CheckVerdict;
  readonly reason: string;
  readonly detail?: Readonly<Record<string, unknown>>;
  /** On a `defer`: re-queue the stage's job with backoff, then block on exhaustion (see decide()). */
  readonly retry?: InfraRetryPolicy;
}

export type GateCheck = (ctx: GateContext) => Promise<CheckResult>;
