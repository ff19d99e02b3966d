// Each task has one git worktree, `$ORCH_HOME/worktrees/<task-id>`, made lazily by the launcher.
// It is DETACHED at the branch tip: the branch may be checked out in the operator's own checkout,
// and git refuses a second checkout of a branch. Before every job it is moved to the current tip;
// anything an earlier run left there is kept (stash, recorded commit), never thrown away.
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../config/keys.ts';
import { ERROR_CODES, OrchError } from '../errors.ts';
import { branchHead } from '../git/repo.ts';
import { git, runGit } from '../git/run.ts';
import { worktreePath } from '../config/task-paths.ts';
import { keyedQueue } from '../util/keyed-queue.ts';
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

/** Attempts at `git worktree add`: it reads every other worktree's admin files, so an add racing
 * another add in the same repository can fail on a half-written entry; the failure leaves nothing
 * behind and a later attempt succeeds. Adds of one process queue per repository (below), so the
 * retries only have to absorb other worker processes. */
const ADD_ATTEMPTS = 8;

/** Worktree adds of this process, one at a time per repository. */
const queued = keyedQueue();

function setAside(path: string): void {
  if (!existsSync(path)) return;
  // A folder without a worktree in it (a crash during `worktree add`): set it aside, keep it.
  if (readdirSync(path).length === 0) rmdirSync(path);
  else renameSync(path, `${path}.stale-${Date.now()}`);
}

/** Add the task's worktree at `path`, detached at `tip`: queued per repository, retried across processes. */
export async function createTaskWorktree(task: Pick<Task, 'repo'>, path: string, tip: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  await queued(task.repo, () => addWithRetries(task, path, tip));
}

async function addWithRetries(task: Pick<Task, 'repo'>, path: string, tip: string): Promise<void> {
  let reuseRegistration = false;
  for (let attempt = 1; ; attempt++) {
    setAside(path);
    // A registration whose folder was deleted (ORCH_HOME wiped) is reused with --force, and only
    // then: that flag is about this worktree's admin entry, never about a ref. Never `worktree
    // prune` here: it would delete the entry of another worker's add in progress.
    const force = reuseRegistration ? ['--force'] : [];
    const added = await runGit(task.repo, ['worktree', 'add', ...force, '--detach', '--quiet', '--', path, tip]);
    reuseRegistration = added.stderr.includes('missing but already registered worktree');
    if (added.exitCode === 0) return;
    if (attempt >= ADD_ATTEMPTS) {
      throw new OrchError(ERROR_CODES.GIT_FAILED, `git worktree add ${path} failed in ${task.repo} after ${attempt} attempts: ${added.stderr.split('\n')[0]}`, { retryable: true });
    }
    await sleep(20 + Math.floor(Math.random() * 80) * attempt);
  }
}

/** HEAD and whether anything is uncommitted, in one git call. */
async function headAndChanges(path: string): Promise<{ head: string; dirty: boolean }> {
  const lines = (await git(path, ['status', '--porcelain=v2', '--branch', '--untracked-files=all'])).split('\n');
  const oid = lines.find((l) => l.startsWith('# branch.oid '))?.slice('# branch.oid '.length) ?? '';
  if (!/^[0-9a-f]{40,64}$/.test(oid)) throw new OrchError(ERROR_CODES.GIT_FAILED, `worktree ${path} has no commit checked out (git status says ${JSON.stringify(oid)})`);
  return { head: oid, dirty: lines.some((l) => l !== '' && !l.startsWith('#')) };
}

/** Stash whatever is uncommitted; returns the stash commit. */
async function stashLeftovers(path: string, jobId: number): Promise<string> {
  await git(path, [...ORCH_IDENTITY, 'stash', 'push', '--include-untracked', '--quiet', '-m', `orch: left in the worktree before job ${jobId}`]);
  return git(path, ['rev-parse', '--verify', 'refs/stash']);
}

/** Make sure the task's worktree exists and is clean at the branch tip. */
export async function prepareWorktree(config: Pick<Config, 'ORCH_HOME'>, task: Task, jobId: number): Promise<PreparedWorktree> {
  const tip = await branchHead(task.repo, task.branch);
  if (tip === null) throw new OrchError(ERROR_CODES.LAUNCH_FAILED, `branch ${task.branch} does not exist in ${task.repo}; the task has no tip to work on`);
  const path = worktreePath(config, task.id);
  if (!existsSync(join(path, '.git'))) {
    await createTaskWorktree(task, path, tip);
    return { path, tip, created: true, stashed: null, leftHead: null };
  }
  const { head, dirty } = await headAndChanges(path);
  const stashed = dirty ? await stashLeftovers(path, jobId) : null;
  let leftHead: string | null = null;
  if (head !== tip) {
    if (!(await isAncestor(path, head, tip))) leftHead = head;
    await git(path, ['checkout', '--detach', '--quiet', tip]);
  }
  return { path, tip, created: false, stashed, leftHead };
}
