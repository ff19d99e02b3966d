// From a merge attempt to the gate's answer (pure): pass; fail for code faults (red, conflict:
// the existing deploy-staging -> development rollback); defer with the infra retry policy for
// timeout, lock-busy and other. The kill-switches give back the old routing: with classification
// or infra retries off, every failure is a fail (rollback), as before this gate existed.
import type { CheckResult, InfraRetryPolicy } from '../pipeline/gates/types.ts';
import { DEFER_CAUSES } from '../pipeline/gates/types.ts';
import type { Classification, MergeAttempt } from './attempt.ts';
import type { MergeSwitches } from './options.ts';

export const MERGE_ACTIONS = ['merge', 'up-to-date', 'mergeable', 'rollback', 'infra-retry'] as const;
export type MergeAction = (typeof MERGE_ACTIONS)[number];

const CODE_FAULTS: ReadonlySet<Classification> = new Set(['red', 'conflict']);

export function faultClass(c: Classification): 'code' | 'infra' | null {
  if (c === 'pass') return null;
  return CODE_FAULTS.has(c) ? 'code' : 'infra';
}

export function routeAttempt(attempt: MergeAttempt, switches: Pick<MergeSwitches, 'classify' | 'infraRetry'>, retry: InfraRetryPolicy): CheckResult {
  const cls = faultClass(attempt.classification);
  if (cls === null) {
    const action: MergeAction = attempt.merged ? 'merge' : attempt.upToDate === true ? 'up-to-date' : 'mergeable';
    return { verdict: 'pass', reason: attempt.reason, detail: { ...attempt, class: null, action } };
  }
  const reason = `${attempt.classification}: ${attempt.reason}`;
  if (cls === 'infra' && switches.classify && switches.infraRetry) {
    const action: MergeAction = 'infra-retry';
    return { verdict: 'defer', reason, detail: { ...attempt, class: cls, action, cause: DEFER_CAUSES.infra }, retry };
  }
  const action: MergeAction = 'rollback';
  return { verdict: 'fail', reason, detail: { ...attempt, class: cls, action } };
}
