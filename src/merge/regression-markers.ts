// MAIN_REGRESSION_MARKERS (SPEC §7): (ticket, symbol, file) triples that must stay defined on
// main. A test resolves each with ts-morph; the conformance harness compares them with
// docs/architecture/regression-markers.md.

export interface RegressionMarker {
  readonly ticket: string;
  /** An exported symbol of `file`. */
  readonly symbol: string;
  /** Path from the repository root. */
  readonly file: string;
}

export const MAIN_REGRESSION_MARKERS: readonly RegressionMarker[] = Object.freeze(
  [
    { ticket: 'ORCH-110', symbol: 'classifyRetestFailure', file: 'src/core/retest-classify.ts' },
    { ticket: 'ORCH-110', symbol: 'checkBranchMergeable', file: 'src/merge/check.ts' },
    { ticket: 'ORCH-110', symbol: 'runInGroup', file: 'src/proc/run-in-group.ts' },
    { ticket: 'ORCH-110', symbol: 'measureCoverage', file: 'src/coverage/measure.ts' },
    { ticket: 'ORCH-115', symbol: 'runStagingJob', file: 'src/staging/runner.ts' },
  ].map((m) => Object.freeze(m)),
);
