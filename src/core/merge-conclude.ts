// What a performed merge amounts to (pure): the merge gate's evaluation planned the ref moves
// (merge-plan.ts), its apply step ran them (src/merge/apply-merge.ts); this turns what the steps
// did into the attempt's classification. Merged only when the base moved (issue 13.10).
import type { MergeAttempt } from './merge-attempt.ts';

/** The evaluation's half of a merge: the attempt so far and what the re-test established. */
export interface PlannedMerge {
  readonly attempt: MergeAttempt;
  readonly base: string;
  /** The base tip the rebase used. */
  readonly baseOld: string;
  /** The commit the re-test passed on (or the proven-current HEAD). */
  readonly testedHead: string;
  /** How the HEAD was established, for the reason: "re-test passed on … in … ms" or the skip reason. */
  readonly tested: string;
  /** The planner's notes (a branch left alone, ...). */
  readonly notes: readonly string[];
}

/** What one step of the plan did. */
export interface StepOutcome {
  readonly ok: boolean;
  /** A failing branch step only warns; a push or base step that fails is the attempt's failure. */
  readonly role: 'push' | 'base' | 'branch';
  readonly failure: string | null;
  readonly message: string;
}

/** The attempt after its merge was performed: the steps run, in order, and the base read afterwards. */
export function concludeMerge(planned: PlannedMerge, steps: readonly StepOutcome[], baseAfter: string | null): MergeAttempt {
  const { base, baseOld, testedHead, tested } = planned;
  const a: MergeAttempt = { ...planned.attempt, steps: [...steps.map((s) => s.message), ...planned.notes], baseAfter };
  const end = (over: Partial<MergeAttempt>): MergeAttempt => ({ ...a, ...over });
  const failed = steps.find((s) => !s.ok && s.role !== 'branch');
  if (failed) return end({ classification: 'other', source: 'merge', reason: failed.message, failure: failed.failure });
  if (baseAfter === baseOld) {
    return { ...end({ classification: 'pass', source: null, reason: `${tested}; ${base} already contains ${testedHead.slice(0, 12)}: up to date, nothing merged`, failure: null }), upToDate: true };
  }
  return end({ classification: 'pass', source: null, reason: `${tested}; ${base} is now ${testedHead.slice(0, 12)}`, failure: null, merged: true });
}
