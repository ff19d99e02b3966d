// Task rows: create, read, list, and the version-guarded update every stage change goes through.
import { NotFoundError } from '../../errors.ts';
import type { Stage } from '../../core/stages.ts';
import type { TaskState } from '../../core/states.ts';
import type { Task, TaskUpdate } from '../schema.ts';
import { nowIso } from '../time.ts';
import type { Db } from '../tx.ts';

export interface NewTaskInput {
  readonly repo: string;
  readonly branch: string;
  readonly base: string;
  readonly title: string;
  readonly stage: Stage;
  /** The suite and timeout (seconds) its jobs run with, when not the config's. @default null */
  readonly suiteCmd?: string | null;
  readonly timeoutS?: number | null;
  readonly mergePolicy?: 'ask' | null;
}

export async function insertTask(db: Db, input: NewTaskInput): Promise<Task> {
  const at = nowIso();
  const { suiteCmd = null, timeoutS = null, mergePolicy = null, ...fields } = input;
  return db
    .insertInto('tasks')
    .values({ ...fields, suite_cmd: suiteCmd, timeout_s: timeoutS, merge_policy: mergePolicy, state: 'active', validated_sha: null, blocked_reason: null, version: 0, created_at: at, updated_at: at })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findTask(db: Db, id: number): Promise<Task | undefined> {
  return db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The task, or a NotFoundError naming the id. */
export async function getTask(db: Db, id: number): Promise<Task> {
  const task = await findTask(db, id);
  if (!task) throw new NotFoundError(`task ${id} does not exist; \`orch task list\` shows the tasks`);
  return task;
}

export async function listTasks(db: Db, filter: { state?: TaskState; stage?: string; repo?: string } = {}): Promise<Task[]> {
  let query = db.selectFrom('tasks').selectAll().orderBy('id');
  if (filter.state) query = query.where('state', '=', filter.state);
  if (filter.stage) query = query.where('stage', '=', filter.stage);
  if (filter.repo) query = query.where('repo', '=', filter.repo);
  return query.execute();
}

/** The unfinished task that already works on this branch of this repo, if any. */
export async function findOpenTaskForBranch(db: Db, repo: string, branch: string): Promise<Task | undefined> {
  return db
    .selectFrom('tasks')
    .selectAll()
    .where('repo', '=', repo)
    .where('branch', '=', branch)
    .where('state', '!=', 'done')
    .executeTakeFirst();
}

export type TaskPatch = Omit<TaskUpdate, 'id' | 'version' | 'created_at' | 'updated_at'>;

/**
 * Apply `patch` only if the task still has `version`, bumping it. False when another writer got
 * there first: the caller must then roll its whole transaction back.
 */
export async function updateTaskGuarded(db: Db, id: number, version: number, patch: TaskPatch, at = nowIso()): Promise<boolean> {
  const result = await db
    .updateTable('tasks')
    .set({ ...patch, version: version + 1, updated_at: at })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/**
 * Check, under the write lock, that the task still has `version`, WITHOUT bumping it: for a
 * decision that changes nothing of the task (a plain wait), so it never invalidates the decision
 * another evaluator of the same task is about to write.
 */
export async function confirmTaskVersion(db: Db, id: number, version: number): Promise<boolean> {
  const result = await db.updateTable('tasks').set({ version }).where('id', '=', id).where('version', '=', version).executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** The commit a deterministic run proved good (written with the run that proved it). */
export async function setValidatedSha(db: Db, id: number, sha: string | null, at = nowIso()): Promise<void> {
  await db.updateTable('tasks').set({ validated_sha: sha, updated_at: at }).where('id', '=', id).execute();
}
