// Each task has one git worktree, `$ORCH_HOME/worktrees/<task-id>`, made lazily by the launcher.
// It is DETACHED at the branch tip: the branch may be checked out in the operator's own checkout,
// and git refuses a second checkout of a branch. Before every job it is moved to the current tip;
// anything an earlier run left there is kept (stash, recorded commit), never thrown away.
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '../config/keys.ts';
import { ERROR_CODES, OrchError } from '../errors.ts';
import { branchHead } from '../git/repo.ts';
import { git, runGit } from '../git/run.ts';
import { worktreePath } from '../pipeline/paths.ts';
import type { Task } from '../store/schema.ts';

export interface PreparedWorktree {
  readonly path: string;
  /** The branch tip the worktree now has checked out (detached). */
  readonly tip: string;
  readonly created: boolean;
  /** Uncommitted leftovers of an earlier run, stashed: the stash commit. */
  readonly stashed: string | null;
  /** A HEAD an earlier run left that the branch does not contain (commits not published). */
  readonly leftHead: string | null;
}

/** git's identity for the stash commit orch itself makes (the agents bring their own). */
const ORCH_IDENTITY = ['-c', 'user.name=orch', '-c', 'user.email=orch@localhost.invalid', '-c', 'commit.gpgsign=false'];

async function isAncestor(dir: string, ancestor: string, descendant: string): Promise<boolean> {
  return (await runGit(dir, ['merge-base', '--is-ancestor', ancestor, descendant])).exitCode === 0;
}

async function create(task: Task, path: string, tip: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  if (existsSync(path)) {
    // A folder without a worktree in it (a crash during `worktree add`): set it aside, keep it.
    if (readdirSync(path).length === 0) rmdirSync(path);
    else renameSync(path, `${path}.stale-${Date.now()}`);
  }
  await git(task.repo, ['worktree', 'prune']);
  await git(task.repo, ['worktree', 'add', '--detach', '--quiet', '--', path, tip]);
}

/** Stash whatever is uncommitted; returns the stash commit, or null when the tree was clean. */
async function stashLeftovers(path: string, jobId: number): Promise<string | null> {
  const status = await git(path, ['status', '--porcelain=v1', '--untracked-files=all']);
  if (status === '') return null;
  await git(path, [...ORCH_IDENTITY, 'stash', 'push', '--include-untracked', '--quiet', '-m', `orch: left in the worktree before job ${jobId}`]);
  return git(path, ['rev-parse', '--verify', 'refs/stash']);
}

/** Make sure the task's worktree exists and is clean at the branch tip. */
export async function prepareWorktree(config: Pick<Config, 'ORCH_HOME'>, task: Task, jobId: number): Promise<PreparedWorktree> {
  const tip = await branchHead(task.repo, task.branch);
  if (tip === null) throw new OrchError(ERROR_CODES.LAUNCH_FAILED, `branch ${task.branch} does not exist in ${task.repo}; the task has no tip to work on`);
  const path = worktreePath(config, task.id);
  if (!existsSync(join(path, '.git'))) {
    await create(task, path, tip);
    return { path, tip, created: true, stashed: null, leftHead: null };
  }
  const stashed = await stashLeftovers(path, jobId);
  const head = await git(path, ['rev-parse', '--verify', 'HEAD']);
  let leftHead: string | null = null;
  if (head !== tip) {
    if (!(await isAncestor(path, head, tip))) leftHead = head;
    await git(path, ['checkout', '--detach', '--quiet', tip]);
  }
  return { path, tip, created: false, stashed, leftHead };
}
