// Whether the re-test may be skipped (D4 of ORCH-110), a pure function. Skip ONLY when the rebase
// was a proven no-op AND HEAD is the commit the staging run validated; any doubt re-tests.

export interface SkipInput {
  /** ORCH_MERGE_RETEST_SKIP_WHEN_CURRENT. */
  readonly enabled: boolean;
  /** tasks.validated_sha: the commit the staging suite passed on. */
  readonly validatedSha: string | null;
  readonly branchTip: string | null;
  readonly head: string | null;
  readonly baseWasAncestor: boolean | null;
  readonly proofError: string | null;
}

export interface SkipDecision {
  readonly skip: boolean;
  readonly reason: string;
}

const short = (sha: string | null) => (sha === null ? 'unknown' : sha.slice(0, 12));

export function decideRetestSkip(input: SkipInput): SkipDecision {
  const retest = (why: string): SkipDecision => ({ skip: false, reason: `re-test: ${why}` });
  if (!input.enabled) return retest('ORCH_MERGE_RETEST_SKIP_WHEN_CURRENT is off');
  if (input.proofError !== null) return retest(`the no-op could not be proven (${input.proofError})`);
  if (input.validatedSha === null) return retest('no validated commit is recorded for the task');
  if (input.head === null || input.branchTip === null || input.baseWasAncestor === null) return retest('the rebase facts are incomplete');
  if (!input.baseWasAncestor) return retest('the base has commits the branch did not contain, so the rebase changed the code');
  if (input.head !== input.branchTip) return retest(`the rebase moved HEAD from ${short(input.branchTip)} to ${short(input.head)}`);
  if (input.head !== input.validatedSha) return retest(`HEAD ${short(input.head)} is not the validated commit ${short(input.validatedSha)}`);
  return { skip: true, reason: `skipped: the rebase was a no-op and HEAD ${short(input.head)} is the validated commit` };
}
