// shadow_runs: the verdict pairs of shadow mode (issue 17), written once per shadow run.
import type { Insertable } from 'kysely';
import type { ShadowRun, ShadowRunsTable } from '../schema.ts';
import type { Db } from '../tx.ts';

export type NewShadowRun = Omit<Insertable<ShadowRunsTable>, 'id'>;

export async function insertShadowRun(db: Db, row: NewShadowRun): Promise<ShadowRun> {
  return db.insertInto('shadow_runs').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function shadowRunsForTask(db: Db, taskId: number): Promise<ShadowRun[]> {
  return db.selectFrom('shadow_runs').selectAll().where('task_id', '=', taskId).orderBy('id').execute();
}

export async function allShadowRuns(db: Db): Promise<ShadowRun[]> {
  return db.selectFrom('shadow_runs').selectAll().orderBy('id').execute();
}
