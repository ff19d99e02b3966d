// What a quality-gate check answers, as plain data: a verdict (pass, fail, defer), why, and for an
// infra defer the retry policy. The gate's decision (decide.ts) is a function of these answers;
// checks themselves live in src/pipeline/gates/ and the folders of their subject (merge, coverage).

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
  /** Delay before the first re-queue runs; each further one doubles it (capped: src/core/backoff.ts). */
  readonly backoffMs: number;
}

export interface CheckResult {
  readonly verdict: CheckVerdict;
  readonly reason: string;
  readonly detail?: Readonly<Record<string, unknown>>;
  /** On a `defer`: re-queue the stage's job with backoff, then block on exhaustion (see decide()). */
  readonly retry?: InfraRetryPolicy;
}

/** One check's answer in a gate evaluation, in the order the checks ran. */
export interface CheckOutcome {
  readonly checkId: string;
  readonly result: CheckResult;
}

/** A check's answer as recorded in gate_results (the store writes it; decide() produces it). */
export interface GateResultInput {
  readonly checkId: string;
  readonly verdict: CheckVerdict;
  readonly reason: string;
  readonly detail?: object | undefined;
}
