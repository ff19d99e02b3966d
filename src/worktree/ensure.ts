// The task's git worktree, `$ORCH_HOME/worktrees/<task-id>`, created DETACHED at the branch tip:
// the branch itself may be checked out in the operator's own checkout, and git refuses to check
// one branch out twice. The launcher makes it before the first job; a gate that finds it missing
// (`orch stage` on a fresh task) makes it the same way.
// TODO(launcher): one helper for both once the launcher's lands on main.
import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from '../config/keys.ts';
import { ERROR_CODES, OrchError } from '../errors.ts';
import { branchHead } from '../git/repo.ts';
import { runGit } from '../git/run.ts';
import { worktreePath } from '../pipeline/paths.ts';

export interface TaskWorktree {
  readonly path: string;
  readonly created: boolean;
}

function gitFailed(what: string, stderr: string): OrchError {
  return new OrchError(ERROR_CODES.GIT_FAILED, `${what}: ${stderr.split('\n')[0] || 'git failed'}`, { retryable: true });
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
  mkdirSync(dirname(path), { recursive: true });
  const add = ['worktree', 'add', '--detach', '--quiet', path, tip];
  let result = await runGit(task.repo, add);
  if (result.exitCode !== 0 && /already registered/.test(result.stderr)) {
    // The folder was deleted but git still lists it: forget the missing entries, then add again.
    await runGit(task.repo, ['worktree', 'prune']);
    result = await runGit(task.repo, add);
  }
  if (result.exitCode !== 0) throw gitFailed(`git worktree add ${path} failed in ${task.repo}`, result.stderr);
  return { path, created: true };
}
