// One merge-gate attempt as data: what was seen and done, for success and failure alike. It is
// stored as the gate result's detail (gate_results.detail), which the counters are derived from.
import type { Outcome } from './run-outcome.ts';

export const CLASSIFICATIONS = ['pass', 'red', 'conflict', 'timeout', 'lock-busy', 'other'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

/** Where a failure was seen: the lock, the rebase, the re-test, moving refs, or the gate itself. */
export type FailureSource = 'merge-lock' | 'rebase' | 'retest' | 'merge' | 'gate';

export interface RetestSummary {
  readonly command: readonly string[];
  /** Which setting the command came from. */
  readonly source: string;
  readonly outcome: Outcome;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly durationMs: number;
  readonly logPath: string | null;
  readonly killed: number;
  readonly survivors: number | null;
  readonly treeKill: boolean;
}

export interface MergeAttempt {
  readonly classification: Classification;
  readonly reason: string;
  readonly source: FailureSource | null;
  /** A finer name for an `other` failure: push-rejected, ref-moved, git-error, ... */
  readonly failure: string | null;
  /** False when ORCH_MERGE_CLASSIFY_ENABLED is off: every failure then counts as red. */
  readonly classified: boolean;
  readonly skippedRetest: boolean;
  readonly skipReason: string | null;
  readonly retest: RetestSummary | null;
  readonly worktree: string | null;
  readonly branchTip: string | null;
  readonly baseBefore: string | null;
  readonly baseAfter: string | null;
  /** The rebased HEAD that was re-tested (or proven current). */
  readonly testedHead: string | null;
  readonly merged: boolean;
  /** --merge on a branch the base already contained: nothing moved (merged stays false). */
  readonly upToDate?: boolean;
  /** The merge was performed by an earlier attempt that was killed before its record (its intent was found). */
  readonly recovered?: boolean;
  /** What the merge steps did, one line each, and planner notes. */
  readonly steps: readonly string[];
  /** The gate waited for a busy merge lock: how many re-tries and how long in all. */
  readonly lockWait: { readonly waits: number; readonly ms: number } | null;
  /** The lock of a holder found dead on this machine, broken (or overwritten) to take it. */
  readonly lockBroken: { readonly holder: string; readonly taskId: number | null; readonly acquiredAt: string; readonly expiresAt: string; readonly killed: number } | null;
  readonly durationMs: number;
}

/** An attempt with nothing done yet, to fill in. */
export function emptyAttempt(classified: boolean): MergeAttempt {
  return {
    classification: 'other',
    reason: '',
    source: null,
    failure: null,
    classified,
    skippedRetest: false,
    skipReason: null,
    retest: null,
    worktree: null,
    branchTip: null,
    baseBefore: null,
    baseAfter: null,
    testedHead: null,
    merged: false,
    steps: [],
    lockWait: null,
    lockBroken: null,
    durationMs: 0,
  };
}
