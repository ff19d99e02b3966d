// merge_locks rows: one per repository while a merge gate holds it. Taking it is ONE statement
// (insert, or update of an expired row), so two processes can never both hold it.
import type { MergeLockRow } from '../schema.ts';
import type { Db } from '../tx.ts';

export interface LockRequest {
  readonly repo: string;
  /** Unique per attempt: only the holder that took the lock can release it. */
  readonly holder: string;
  readonly taskId: number | null;
  /** ISO instants: now, and when the lock lapses if its holder never releases it. */
  readonly at: string;
  readonly expiresAt: string;
}

/** Take the lock, or take over an expired one; the row we hold, or the current holder's row. */
export async function tryTakeMergeLock(db: Db, req: LockRequest): Promise<{ taken: boolean; row: MergeLockRow | undefined }> {
  const values = { repo: req.repo, holder: req.holder, task_id: req.taskId, acquired_at: req.at, expires_at: req.expiresAt };
  const taken = await db
    .insertInto('merge_locks')
    .values(values)
    .onConflict((oc) =>
      oc
        .column('repo')
        .doUpdateSet({ holder: req.holder, task_id: req.taskId, acquired_at: req.at, expires_at: req.expiresAt })
        .where('merge_locks.expires_at', '<=', req.at),
    )
    .returningAll()
    .executeTakeFirst();
  if (taken) return { taken: true, row: taken };
  return { taken: false, row: await findMergeLock(db, req.repo) };
}

/**
 * Name the holder of a lock taken elsewhere (a PostgreSQL advisory lock): whatever row is there
 * was left by a holder whose session is gone, so it is overwritten.
 */
export async function recordMergeLockHolder(db: Db, req: LockRequest): Promise<void> {
  const values = { repo: req.repo, holder: req.holder, task_id: req.taskId, acquired_at: req.at, expires_at: req.expiresAt };
  await db
    .insertInto('merge_locks')
    .values(values)
    .onConflict((oc) => oc.column('repo').doUpdateSet({ holder: req.holder, task_id: req.taskId, acquired_at: req.at, expires_at: req.expiresAt }))
    .execute();
}

/** Release only our own lock; false when it had lapsed and someone else took it. */
export async function releaseMergeLock(db: Db, repo: string, holder: string): Promise<boolean> {
  const result = await db.deleteFrom('merge_locks').where('repo', '=', repo).where('holder', '=', holder).executeTakeFirst();
  return result.numDeletedRows === 1n;
}

/** Remove a dead holder's lock, guarded by its exact holder id; false when someone else holds it now. */
export async function breakMergeLock(db: Db, repo: string, holder: string): Promise<boolean> {
  return releaseMergeLock(db, repo, holder);
}

export async function findMergeLock(db: Db, repo: string): Promise<MergeLockRow | undefined> {
  return db.selectFrom('merge_locks').selectAll().where('repo', '=', repo).executeTakeFirst();
}
