// Rebase the task's commits onto the base in the task's DETACHED worktree, and gather the facts
// the pure decisions need: the tips before, HEAD after, a conflict (aborted, worktree clean), and
// the inputs of the no-op proof. Refs are never moved here.
import { branchHead } from '../git/repo.ts';
import { runGit } from '../git/run.ts';
import { checkoutDetached, rebaseInProgress } from '../worktree/checkout.ts';

export interface RebaseFacts {
  readonly outcome: 'rebased' | 'conflict' | 'error';
  readonly branchTip: string | null;
  readonly baseTip: string | null;
  /** HEAD of the worktree after the rebase (or after the abort). */
  readonly head: string | null;
  readonly message: string;
  readonly conflictFiles: readonly string[];
  /** After an aborted rebase: no changes left in the worktree. */
  readonly clean: boolean | null;
  /** No-op proof input: the base was already an ancestor of the branch tip (null: unknown). */
  readonly baseWasAncestor: boolean | null;
  /** A git error while proving; any error means "not proven". */
  readonly proofError: string | null;
}

/** Config for the rebase whatever the user's config says: no autostash, no moving other refs. */
const REBASE = ['-c', 'rebase.autoStash=false', '-c', 'rebase.updateRefs=false', 'rebase', '--quiet'];

/** A rebase writes commits: when the repo has no identity configured, orch commits as itself. */
async function identityArgs(worktree: string): Promise<string[]> {
  const r = await runGit(worktree, ['config', '--get', 'user.email']);
  return r.exitCode === 0 && r.stdout.trim() !== '' ? [] : ['-c', 'user.name=orch', '-c', 'user.email=orch@localhost'];
}

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '') ?? '';
}

async function rev(dir: string, what: string): Promise<string | null> {
  const r = await runGit(dir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${what}^{commit}`]);
  return r.exitCode === 0 ? r.stdout : null;
}

/** Is `base` an ancestor of `tip`? Proven by the merge base being `base` itself. */
async function proveAncestor(worktree: string, base: string, tip: string): Promise<{ baseWasAncestor: boolean | null; proofError: string | null }> {
  const r = await runGit(worktree, ['merge-base', '--end-of-options', base, tip]);
  if (r.exitCode !== 0) return { baseWasAncestor: null, proofError: `git merge-base failed: ${firstLine(r.stderr) || `exit ${r.exitCode}`}` };
  return { baseWasAncestor: r.stdout === base, proofError: null };
}

export async function rebaseOntoBase(input: { repo: string; worktree: string; branch: string; base: string }): Promise<RebaseFacts> {
  const { repo, worktree } = input;
  const none = { conflictFiles: [], clean: null, baseWasAncestor: null, proofError: null } as const;
  const [branchTip, baseTip] = await Promise.all([branchHead(repo, input.branch), branchHead(repo, input.base)]);
  if (branchTip === null || baseTip === null) {
    const missing = branchTip === null ? `branch ${input.branch}` : `base ${input.base}`;
    return { ...none, outcome: 'error', branchTip, baseTip, head: null, message: `${missing} does not exist in ${repo}` };
  }
  await checkoutDetached(worktree, branchTip);
  const proof = await proveAncestor(worktree, baseTip, branchTip);
  // The base is already in the branch (its one merge base): `git rebase` would answer "up to date"
  // and leave HEAD at the tip it was just checked out at. Skipping it saves three git calls.
  if (proof.baseWasAncestor === true) {
    return { ...none, ...proof, outcome: 'rebased', branchTip, baseTip, head: branchTip, message: `${input.branch} already contains ${input.base} ${baseTip.slice(0, 12)}: nothing to rebase` };
  }
  const r = await runGit(worktree, [...(await identityArgs(worktree)), ...REBASE, '--end-of-options', baseTip], { timeoutMs: 300_000 });
  if (r.exitCode === 0) {
    return { ...none, ...proof, outcome: 'rebased', branchTip, baseTip, head: await rev(worktree, 'HEAD'), message: `rebased onto ${input.base} ${baseTip.slice(0, 12)}` };
  }
  const stopped = await rebaseInProgress(worktree);
  const unmerged = stopped ? (await runGit(worktree, ['diff', '--name-only', '--diff-filter=U'])).stdout.split('\n').filter(Boolean) : [];
  if (stopped) await runGit(worktree, ['rebase', '--abort']);
  const status = await runGit(worktree, ['status', '--porcelain', '--untracked-files=no']);
  const clean = status.exitCode === 0 && status.stdout === '';
  const head = await rev(worktree, 'HEAD');
  if (unmerged.length > 0) {
    const message = `rebase onto ${input.base} conflicts in ${unmerged.join(', ')}; the rebase was aborted`;
    return { ...none, ...proof, outcome: 'conflict', branchTip, baseTip, head, message, conflictFiles: unmerged, clean };
  }
  return { ...none, ...proof, outcome: 'error', branchTip, baseTip, head, message: `git rebase failed: ${firstLine(r.stderr) || firstLine(r.stdout) || `exit ${r.exitCode}`}`, clean };
}
