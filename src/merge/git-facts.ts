// Questions the merge plan needs answered by git, asked under the lock.
import { realpathSync } from 'node:fs';
import { runGit } from '../git/run.ts';

/** Is `older` an ancestor of `newer`? null when git could not say. */
export async function isAncestor(repo: string, older: string, newer: string): Promise<boolean | null> {
  const r = await runGit(repo, ['merge-base', '--is-ancestor', '--end-of-options', older, newer]);
  if (r.exitCode === 0) return true;
  if (r.exitCode === 1) return false;
  return null;
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** Each checked-out branch ref -> the worktree that has it, from `git worktree list --porcelain`. */
export async function checkedOutRefs(repo: string): Promise<Map<string, string>> {
  const r = await runGit(repo, ['worktree', 'list', '--porcelain']);
  const refs = new Map<string, string>();
  if (r.exitCode !== 0) return refs;
  let path: string | null = null;
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('worktree ')) path = line.slice('worktree '.length);
    else if (line.startsWith('branch ') && path !== null) refs.set(line.slice('branch '.length), real(path));
    else if (line === '') path = null;
  }
  return refs;
}

/** For each branch, the worktree that has it checked out, other than `except` (the task's own). */
export async function checkoutsOf(repo: string, branches: readonly string[], except: string | null = null): Promise<(string | null)[]> {
  const refs = await checkedOutRefs(repo);
  const mine = except === null ? null : real(except);
  return branches.map((b) => {
    const at = refs.get(`refs/heads/${b}`) ?? null;
    return at !== null && at === mine ? null : at;
  });
}
