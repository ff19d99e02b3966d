// After a job that may commit (the developer), orch moves the task branch to the worktree's HEAD
// itself, with compare-and-swap: only when HEAD descends from the tip the job started on, and only
// if the branch still points there. Anything else is a recorded failure, never a force.
import { headRef } from '../git/refs.ts';
import { git, runGit } from '../git/run.ts';

export type PublishResult =
  | { readonly kind: 'unchanged'; readonly head: string }
  | { readonly kind: 'published'; readonly from: string; readonly to: string; readonly commits: number }
  /** HEAD does not contain the old tip (history rewritten, or another branch checked out). */
  | { readonly kind: 'diverged'; readonly head: string; readonly tip: string }
  /** Someone moved the branch while the job ran; the compare-and-swap refused. */
  | { readonly kind: 'moved'; readonly head: string; readonly tip: string; readonly message: string };

/** Move `refs/heads/<branch>` from `tip` to the worktree's HEAD when that is a fast-forward. */
export async function publishBranch(repo: string, branch: string, worktree: string, tip: string, jobId: number): Promise<PublishResult> {
  const head = await git(worktree, ['rev-parse', '--verify', 'HEAD']);
  if (head === tip) return { kind: 'unchanged', head };
  if ((await runGit(worktree, ['merge-base', '--is-ancestor', tip, head])).exitCode !== 0) return { kind: 'diverged', head, tip };
  const moved = await runGit(repo, ['update-ref', '-m', `orch: job ${jobId} published its commits`, '--', headRef(branch), head, tip]);
  if (moved.exitCode !== 0) return { kind: 'moved', head, tip, message: moved.stderr.split('\n')[0] ?? '' };
  const commits = Number.parseInt(await git(worktree, ['rev-list', '--count', `${tip}..${head}`]), 10);
  return { kind: 'published', from: tip, to: head, commits };
}
