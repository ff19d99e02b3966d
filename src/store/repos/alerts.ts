// Alerts: one per episode, enforced by the unique dedupe key, so re-evaluating the same episode
// never raises a second alert.
import type { Alert } from '../schema.ts';
import { nowIso } from '../time.ts';
import type { Db } from '../tx.ts';

export interface NewAlertInput {
  readonly taskId: number | null;
  readonly kind: string;
  readonly dedupeKey: string;
  readonly message: string;
  readonly detail?: object;
  /** @default now */
  readonly at?: string;
}

/** Raise an alert; returns null when one with the same dedupe key already exists. */
export async function raiseAlert(db: Db, input: NewAlertInput): Promise<Alert | null> {
  const row = await db
    .insertInto('alerts')
    .values({
      task_id: input.taskId,
      kind: input.kind,
      dedupe_key: input.dedupeKey,
      message: input.message,
      detail: input.detail === undefined ? null : JSON.stringify(input.detail),
      created_at: input.at ?? nowIso(),
      resolved_at: null,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

export async function alertsForTask(db: Db, taskId: number): Promise<Alert[]> {
  return db.selectFrom('alerts').selectAll().where('task_id', '=', taskId).orderBy('id').execute();
}

/** Mark a task's open alerts resolved (an operator acted on them); the rows stay. */
export async function resolveAlertsForTask(db: Db, taskId: number): Promise<number> {
  const result = await db
    .updateTable('alerts')
    .set({ resolved_at: nowIso() })
    .where('task_id', '=', taskId)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function recentAlerts(db: Db, limit = 20): Promise<Alert[]> {
  return db.selectFrom('alerts').selectAll().orderBy('id', 'desc').limit(limit).execute();
}

/** Alerts for `orch alerts`: the open ones (oldest first), or every one with `all`. */
export async function listAlerts(db: Db, filter: { all?: boolean } = {}): Promise<Alert[]> {
  let query = db.selectFrom('alerts').selectAll().orderBy('id');
  if (!filter.all) query = query.where('resolved_at', 'is', null);
  return query.execute();
}

export async function getAlert(db: Db, id: number): Promise<Alert | undefined> {
  return db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Mark one alert resolved; false when it was resolved already (the row keeps the first time). */
export async function resolveAlert(db: Db, id: number, at: string = nowIso()): Promise<boolean> {
  const result = await db.updateTable('alerts').set({ resolved_at: at }).where('id', '=', id).where('resolved_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
