// The merge plan, a pure function of the facts gathered under the lock: which refs move where,
// and how. Only compare-and-swap moves and fast-forwards appear in a plan: no force, no `+ref`,
// and never a base that would not descend from its old value (INV-4). apply-merge.ts runs it.

export interface MergeFacts {
  readonly base: string;
  readonly branch: string;
  /** The base tip the rebase used, read under the lock. */
  readonly baseOld: string;
  /** The commit the re-test passed on (or the validated no-op HEAD). */
  readonly testedHead: string;
  readonly branchOld: string;
  /** baseOld is an ancestor of testedHead (null: could not be checked). */
  readonly descends: boolean | null;
  /** The worktree that has the base checked out (the operator's checkout), if any. */
  readonly baseCheckout: string | null;
  /** A worktree other than the task's that has the task branch checked out, if any. */
  readonly branchCheckout: string | null;
  readonly pushRemote: string | null;
}

export type MergeStep =
  /** `git push <remote> <sha>:<ref>`: the remote refuses anything but a fast-forward. */
  | { readonly kind: 'push'; readonly role: 'push'; readonly remote: string; readonly sha: string; readonly ref: string }
  /** `git merge --ff-only <sha>` in the checkout that has `ref`, after checking it is at `expectOld`. */
  | { readonly kind: 'fast-forward'; readonly role: 'base'; readonly worktree: string; readonly ref: string; readonly sha: string; readonly expectOld: string }
  /** `git update-ref <ref> <sha> <expectOld>`: moves only if the ref still has its old value. */
  | { readonly kind: 'update-ref'; readonly role: 'base' | 'branch'; readonly ref: string; readonly sha: string; readonly expectOld: string };

export type MergePlan =
  | { readonly ok: true; readonly steps: readonly MergeStep[]; readonly notes: readonly string[] }
  | { readonly ok: false; readonly reason: string };

const short = (sha: string) => sha.slice(0, 12);

export function planMerge(f: MergeFacts): MergePlan {
  if (f.descends !== true) {
    const why = f.descends === null ? 'cannot verify that it descends' : 'it does not descend';
    return { ok: false, reason: `refusing to move ${f.base} to ${short(f.testedHead)}: ${why} from the old ${f.base} ${short(f.baseOld)}` };
  }
  const baseRef = `refs/heads/${f.base}`;
  const branchRef = `refs/heads/${f.branch}`;
  const steps: MergeStep[] = [];
  const notes: string[] = [];
  if (f.testedHead === f.baseOld) {
    notes.push(`${f.base} already is ${short(f.testedHead)}: nothing to fast-forward`);
  } else {
    // Push first: if the remote refuses, nothing local has moved and the attempt is simply re-queued.
    if (f.pushRemote !== null) steps.push({ kind: 'push', role: 'push', remote: f.pushRemote, sha: f.testedHead, ref: baseRef });
    steps.push(
      f.baseCheckout !== null
        ? { kind: 'fast-forward', role: 'base', worktree: f.baseCheckout, ref: baseRef, sha: f.testedHead, expectOld: f.baseOld }
        : { kind: 'update-ref', role: 'base', ref: baseRef, sha: f.testedHead, expectOld: f.baseOld },
    );
  }
  if (f.branchOld === f.testedHead) notes.push(`${f.branch} already is ${short(f.testedHead)}`);
  else if (f.branchCheckout !== null) notes.push(`${f.branch} is checked out in ${f.branchCheckout}: left at ${short(f.branchOld)} (its commits are in ${f.base})`);
  else steps.push({ kind: 'update-ref', role: 'branch', ref: branchRef, sha: f.testedHead, expectOld: f.branchOld });
  return { ok: true, steps, notes };
}
