// Put a task worktree at a commit, detached. A rebase that a crashed gate left half-done is
// aborted first: the worktree is orch's own, and a stopped rebase would refuse every checkout.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ERROR_CODES, OrchError } from '../errors.ts';
import { runGit } from '../git/run.ts';

/** A stopped rebase of either backend (merge or apply) in this worktree. */
export async function rebaseInProgress(worktree: string): Promise<boolean> {
  const r = await runGit(worktree, ['rev-parse', '--git-path', 'rebase-merge', '--git-path', 'rebase-apply']);
  if (r.exitCode !== 0) return false;
  return r.stdout.split('\n').some((dir) => dir !== '' && existsSync(resolve(worktree, dir)));
}

/** Detach the worktree at `sha`; throws ORCH_GIT_FAILED (retryable) when git refuses (local changes). */
export async function checkoutDetached(worktree: string, sha: string): Promise<void> {
  if (await rebaseInProgress(worktree)) await runGit(worktree, ['rebase', '--abort']);
  const r = await runGit(worktree, ['checkout', '--detach', '--quiet', sha]);
  if (r.exitCode !== 0) {
    const why = r.stderr.split('\n').find((l) => l.trim() !== '') ?? `exit ${r.exitCode}`;
    throw new OrchError(ERROR_CODES.GIT_FAILED, `cannot check out ${sha.slice(0, 12)} in ${worktree}: ${why}`, { retryable: true });
  }
}
