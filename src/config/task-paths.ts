// Where a task's files live under ORCH_HOME. Artifact names come from the role table, but the
// check is kept anyway: nothing may read or write outside the task's folder.
import { isAbsolute, relative, resolve } from 'node:path';
import type { Config } from './keys.ts';
import { InvalidInputError } from '../errors.ts';

type HomeConfig = Pick<Config, 'ORCH_HOME'>;

/** `$ORCH_HOME/tasks/<task-id>`: the task's artifacts. */
export function taskDir(config: HomeConfig, taskId: number): string {
  if (!Number.isSafeInteger(taskId) || taskId < 1) throw new InvalidInputError(`task id must be a positive whole number, got ${taskId}`);
  return resolve(config.ORCH_HOME, 'tasks', String(taskId));
}

/** `<task folder>/<file name>`; refuses any name that would land outside the task folder. */
export function artifactPath(config: HomeConfig, taskId: number, fileName: string): string {
  const dir = taskDir(config, taskId);
  const path = resolve(dir, fileName);
  const rel = relative(dir, path);
  if (fileName.length === 0 || rel === '' || rel.startsWith('..') || isAbsolute(rel) || fileName.includes('\0')) {
    throw new InvalidInputError(`artifact name ${JSON.stringify(fileName)} escapes the task folder ${dir}; allowed: a file name inside it`);
  }
  return path;
}

/** `$ORCH_HOME/worktrees/<task-id>`: the task's git worktree (made by the launcher). */
export function worktreePath(config: HomeConfig, taskId: number): string {
  taskDir(config, taskId);
  return resolve(config.ORCH_HOME, 'worktrees', String(taskId));
}
