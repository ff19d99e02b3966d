// The merge gate's write-ahead intent, decided (pure). The apply step records the merge it is
// about to perform before the first ref moves; the next evaluation of the task reads it first.
// If the base now contains the planned commit, the earlier attempt merged and was killed before
// its record: this attempt records that merge (recovered) instead of evaluating again. If not,
// the intent is stale (killed before the move, or the move was refused) and is dropped.
import type { MergeAttempt } from './merge-attempt.ts';
import type { MergeStep } from './merge-plan.ts';
import type { StepOutcome } from './merge-conclude.ts';

/** What the store holds for the task, as the gate needs it. */
export interface IntentFacts {
  readonly base: string;
  readonly baseOld: string;
  readonly plannedSha: string;
}

export type IntentDecision = { readonly kind: 'none' } | { readonly kind: 'stale'; readonly reason: string } | { readonly kind: 'recover' };

const short = (sha: string) => sha.slice(0, 12);

/**
 * What an intent found before evaluating means. `baseContains`: the task's base has the planned
 * commit (`git merge-base --is-ancestor`; null when git could not say).
 */
export function decideIntent(intent: IntentFacts | null, taskBase: string, baseContains: boolean | null): IntentDecision {
  if (intent === null) return { kind: 'none' };
  if (intent.base !== taskBase) return { kind: 'stale', reason: `the intent was for ${intent.base}, the task now merges into ${taskBase}` };
  if (baseContains === true) return { kind: 'recover' };
  if (baseContains === false) return { kind: 'stale', reason: `${intent.base} does not contain ${short(intent.plannedSha)}: the interrupted attempt moved nothing` };
  return { kind: 'stale', reason: `git could not tell whether ${intent.base} contains ${short(intent.plannedSha)}: the intent is dropped` };
}

export interface RecoveryFacts {
  readonly branch: string;
  readonly plannedSha: string;
  /** The task branch's tip now. */
  readonly branchOld: string;
  /** branchOld is an ancestor of plannedSha (null: could not be checked). */
  readonly branchBehind: boolean | null;
  /** A worktree other than the task's that has the task branch checked out, if any. */
  readonly branchCheckout: string | null;
}

/** The rest of an interrupted merge: the task branch, moved by compare-and-swap if it was not yet. */
export function planRecovery(f: RecoveryFacts): { readonly steps: readonly MergeStep[]; readonly notes: readonly string[] } {
  if (f.branchOld === f.plannedSha) return { steps: [], notes: [`${f.branch} already is ${short(f.plannedSha)}`] };
  if (f.branchCheckout !== null) return { steps: [], notes: [`${f.branch} is checked out in ${f.branchCheckout}: left at ${short(f.branchOld)}`] };
  if (f.branchBehind !== true) return { steps: [], notes: [`${f.branch} is at ${short(f.branchOld)}, not behind ${short(f.plannedSha)}: left alone`] };
  return { steps: [{ kind: 'update-ref', role: 'branch', ref: `refs/heads/${f.branch}`, sha: f.plannedSha, expectOld: f.branchOld }], notes: [] };
}

/** The attempt that records an interrupted merge: merged, recovered, whatever the branch step did. */
export function concludeRecovery(attempt: MergeAttempt, intent: IntentFacts, notes: readonly string[], steps: readonly StepOutcome[], baseAfter: string | null): MergeAttempt {
  return {
    ...attempt,
    classification: 'pass',
    source: null,
    failure: null,
    merged: true,
    recovered: true,
    baseBefore: intent.baseOld,
    baseAfter,
    testedHead: intent.plannedSha,
    steps: [...steps.map((s) => s.message), ...notes],
    reason: `${intent.base} already contains ${short(intent.plannedSha)}: an interrupted attempt moved ${intent.base} ${short(intent.baseOld)} -> ${short(intent.plannedSha)} and was not recorded; recorded now`,
  };
}
