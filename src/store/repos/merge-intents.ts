// merge_intents rows: the merge gate's write-ahead record, one per task at most. Written under the
// merge lock before the first ref moves; deleted with the attempt's record, or when the merge
// moved nothing, or when the next attempt finds it stale.
import type { MergeIntent } from '../schema.ts';
import { nowIso } from '../time.ts';
import type { Db } from '../tx.ts';

export interface MergeIntentInput {
  readonly taskId: number;
  readonly base: string;
  readonly baseOld: string;
  readonly plannedSha: string;
  readonly at?: string;
}

/** Record the merge about to be performed (replacing any earlier intent of the task). */
export async function writeMergeIntent(db: Db, input: MergeIntentInput): Promise<void> {
  const values = { task_id: input.taskId, base: input.base, base_old: input.baseOld, planned_sha: input.plannedSha, created_at: input.at ?? nowIso() };
  await db
    .insertInto('merge_intents')
    .values(values)
    .onConflict((oc) => oc.column('task_id').doUpdateSet({ base: values.base, base_old: values.base_old, planned_sha: values.planned_sha, created_at: values.created_at }))
    .execute();
}

export async function findMergeIntent(db: Db, taskId: number): Promise<MergeIntent | undefined> {
  return db.selectFrom('merge_intents').selectAll().where('task_id', '=', taskId).executeTakeFirst();
}

/** Delete the task's intent; with `plannedSha`, only that intent (a newer one is left alone). */
export async function deleteMergeIntent(db: Db, taskId: number, plannedSha?: string): Promise<boolean> {
  let q = db.deleteFrom('merge_intents').where('task_id', '=', taskId);
  if (plannedSha !== undefined) q = q.where('planned_sha', '=', plannedSha);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
