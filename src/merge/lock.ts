// The merge lock, one per repository, behind a small interface: today a row in the store
// (works across processes, and across machines once the store is shared); PostgreSQL advisory
// locks can implement the same interface later.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Store } from '../store/db.ts';
import { releaseMergeLock, tryTakeMergeLock } from '../store/repos/merge-locks.ts';
import { writeTransaction } from '../store/tx.ts';

export interface MergeLease {
  readonly repo: string;
  readonly holder: string;
  readonly expiresAt: string;
}

export type LockAttempt =
  | { readonly acquired: true; readonly lease: MergeLease }
  | { readonly acquired: false; readonly heldBy: { readonly holder: string; readonly taskId: number | null; readonly expiresAt: string } | null };

export interface MergeLock {
  /** Never waits: busy is an answer (lock-busy), not a reason to block a worker. */
  acquire(repo: string, taskId: number, ttlMs: number): Promise<LockAttempt>;
  /** Release our own lease; false when it had lapsed and another holder took the lock. */
  release(lease: MergeLease): Promise<boolean>;
}

/** A holder id that is unique per attempt and says who holds it, for messages. */
export function holderId(taskId: number): string {
  return `task-${taskId}@${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** The lock as a `merge_locks` row: an atomic insert, or a guarded takeover of an expired row. */
export function storeMergeLock(store: Store): MergeLock {
  return {
    async acquire(repo, taskId, ttlMs) {
      const now = Date.now();
      const req = {
        repo,
        holder: holderId(taskId),
        taskId,
        at: new Date(now).toISOString(),
        expiresAt: new Date(now + ttlMs).toISOString(),
      };
      const { taken, row } = await writeTransaction(store, (trx) => tryTakeMergeLock(trx, req));
      if (taken) return { acquired: true, lease: { repo, holder: req.holder, expiresAt: req.expiresAt } };
      return { acquired: false, heldBy: row ? { holder: row.holder, taskId: row.task_id, expiresAt: row.expires_at } : null };
    },
    async release(lease) {
      return writeTransaction(store, (trx) => releaseMergeLock(trx, lease.repo, lease.holder));
    },
  };
}
