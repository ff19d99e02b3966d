// From a merge attempt to the gate's answer (pure): pass; fail for code faults (red, conflict:
// the existing deploy-staging -> development rollback); defer with the infra retry policy for
// timeout, lock-busy and other (a merge lock still busy after the gate's wait only defers: see
// LOCK_WAIT_CAUSE). The kill-switches give back the old routing: with classification
// or infra retries off, every failure is a fail (rollback), as before this gate existed.
import { DEFER_CAUSES, type CheckResult, type InfraRetryPolicy } from './check.ts';
import type { Classification, MergeAttempt } from './merge-attempt.ts';

/** The two kill-switches the routing reads (ORCH_MERGE_CLASSIFY_ENABLED, ORCH_MERGE_INFRA_RETRY_ENABLED). */
export interface RouteSwitches {
  readonly classify: boolean;
  readonly infraRetry: boolean;
}

export const MERGE_ACTIONS = ['merge', 'up-to-date', 'mergeable', 'rollback', 'infra-retry', 'lock-wait'] as const;
export type MergeAction = (typeof MERGE_ACTIONS)[number];

/** Why a gate that waited out ORCH_MERGE_LOCK_WAIT_S on a busy merge lock deferred: not a fault. */
export const LOCK_WAIT_CAUSE = 'lock-wait';

const CODE_FAULTS: ReadonlySet<Classification> = new Set(['red', 'conflict']);

export function faultClass(c: Classification): 'code' | 'infra' | null {
  if (c === 'pass') return null;
  return CODE_FAULTS.has(c) ? 'code' : 'infra';
}

export function routeAttempt(attempt: MergeAttempt, switches: RouteSwitches, retry: InfraRetryPolicy): CheckResult {
  const cls = faultClass(attempt.classification);
  if (cls === null) {
    const action: MergeAction = attempt.merged ? 'merge' : attempt.upToDate === true ? 'up-to-date' : 'mergeable';
    return { verdict: 'pass', reason: attempt.reason, detail: { ...attempt, class: null, action } };
  }
  const reason = `${attempt.classification}: ${attempt.reason}`;
  // The merge lock was busy for the whole wait: not a fault of anything. No infra budget is spent
  // and the staging suite is not re-run: the task stays on deploy-staging with its succeeded job,
  // and the next sweep (or `orch stage --merge`) runs this gate again, rebasing and re-testing only.
  if (attempt.classification === 'lock-busy' && attempt.source === 'merge-lock' && switches.classify && switches.infraRetry) {
    const action: MergeAction = 'lock-wait';
    return { verdict: 'defer', reason: `${reason}; the task stays on deploy-staging and the gate runs again (no infra budget spent)`, detail: { ...attempt, class: 'infra', action, cause: LOCK_WAIT_CAUSE } };
  }
  if (cls === 'infra' && switches.classify && switches.infraRetry) {
    const action: MergeAction = 'infra-retry';
    return { verdict: 'defer', reason, detail: { ...attempt, class: cls, action, cause: DEFER_CAUSES.infra }, retry };
  }
  const action: MergeAction = 'rollback';
  return { verdict: 'fail', reason, detail: { ...attempt, class: cls, action } };
}
