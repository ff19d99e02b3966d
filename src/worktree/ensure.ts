// The task's git worktree, `$ORCH_HOME/worktrees/<task-id>`, created DETACHED at the branch tip:
// the branch itself may be checked out in the operator's own checkout, and git refuses to check
// one branch out twice. The launcher makes it before the first job; a gate that finds it missing
// (`orch stage` on a fresh task) makes it the same way.
import { existsSync, realpathSync } from 'node:fs';
import type { Config } from '../config/keys.ts';
import { ERROR_CODES, OrchError } from '../errors.ts';
import { branchHead } from '../git/repo.ts';
import { runGit } from '../git/run.ts';
import { worktreePath } from '../config/task-paths.ts';
import { createTaskWorktree } from './prepare.ts';

export interface TaskWorktree {
  readonly path: string;
  readonly created: boolean;
}

/** The task's worktree, created detached at `branch`'s tip when missing; throws ORCH_GIT_FAILED. */
export async function ensureTaskWorktree(
  config: Pick<Config, 'ORCH_HOME'>,
  task: { readonly id: number; readonly repo: string; readonly branch: string },
): Promise<TaskWorktree> {
  const path = worktreePath(config, task.id);
  if (existsSync(path)) {
    const top = await runGit(path, ['rev-parse', '--show-toplevel']);
    if (top.exitCode !== 0 || realpathSync(top.stdout) !== realpathSync(path)) {
      throw new OrchError(ERROR_CODES.GIT_FAILED, `${path} exists but is not a git worktree; move it away so orch can create the task's worktree there`);
    }
    return { path, created: false };
  }
  const tip = await branchHead(task.repo, task.branch);
  if (tip === null) throw new OrchError(ERROR_CODES.GIT_FAILED, `branch ${task.branch} does not exist in ${task.repo}`);
  // The launcher's creation: queued per repository and retried, never a `worktree prune` that
  // could delete another worker's add in progress.
  await createTaskWorktree(task, path, tip);
  return { path, created: true };
}
