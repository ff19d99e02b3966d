// The merge lock, one per repository, behind a small interface, two implementations:
// - SQLite: a `merge_locks` row taken atomically, with an expiry so a dead holder cannot wedge
//   the repository (works across processes on one machine);
// - PostgreSQL: a session-level advisory lock on a connection of its own, so workers on different
//   machines never merge into one base at once. The server drops it the moment the holder's
//   session ends (process killed, machine gone), so it needs no expiry. The `merge_locks` row is
//   still written while it is held, to say who holds it; the advisory lock alone decides.
// A holder id names its owner as a job lease does (host, pid, start time): a holder that died on
// THIS machine is seen at once, and its lock broken by the next gate (SQLite) and the break
// recorded in the attempt; another machine's holder keeps its expiry.
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PgSession, PostgresStore, Store } from '../store/db.ts';
import { breakMergeLock, findMergeLock, recordMergeLockHolder, releaseMergeLock, tryTakeMergeLock } from '../store/repos/merge-locks.ts';
import type { MergeLockRow } from '../store/schema.ts';
import { writeTransaction } from '../store/tx.ts';
import { ownerIsDead, parseOwner, selfKey } from '../proc/identity.ts';

export interface MergeLease {
  readonly repo: string;
  readonly holder: string;
  readonly expiresAt: string;
}

/** A lock whose holder was found dead on this machine and was broken (or overwritten) to take it. */
export interface BrokenLock {
  readonly holder: string;
  readonly taskId: number | null;
  readonly acquiredAt: string;
  readonly expiresAt: string;
}

export type LockAttempt =
  | { readonly acquired: true; readonly lease: MergeLease; readonly broken?: BrokenLock }
  | { readonly acquired: false; readonly heldBy: { readonly holder: string; readonly taskId: number | null; readonly expiresAt: string } | null };

export interface MergeLock {
  /** Never waits: busy is an answer (lock-busy), not a reason to block a worker. */
  acquire(repo: string, taskId: number, ttlMs: number): Promise<LockAttempt>;
  /** Release our own lease; false when it had lapsed and another holder took the lock. */
  release(lease: MergeLease): Promise<boolean>;
}

/** A holder id, unique per attempt: `task-<id>@<host>/<boot>:<pid>.<start>:<nonce>`. */
export function holderId(taskId: number): string {
  return `task-${taskId}@${selfKey()}:${randomUUID().slice(0, 8)}`;
}

/** Whether a holder id names a process of this machine that is gone (or whose PID was recycled). */
export function holderIsDead(holder: string, isDead?: (pid: number) => boolean): boolean {
  const owner = parseOwner(holder.slice(holder.indexOf('@') + 1));
  return owner !== null && ownerIsDead(owner, isDead);
}

/**
 * The environment variable every process a gate starts under the lock (its re-test) carries: a
 * dead holder's leftovers are found by it when its lock is broken. Not ORCH_: that would read as
 * a config key.
 */
export function lockMarker(holder: string): { name: string; value: string } {
  const nonce = holder.slice(holder.lastIndexOf(':') + 1).replace(/[^0-9a-zA-Z]/g, '') || 'x';
  return { name: `ORCHLOCK_${nonce}`, value: '1' };
}

function brokenOf(row: MergeLockRow): BrokenLock {
  return { holder: row.holder, taskId: row.task_id, acquiredAt: row.acquired_at, expiresAt: row.expires_at };
}

/** The lock the merge gate uses on this store: advisory on PostgreSQL, the row on SQLite. */
export function mergeLockFor(store: Store): MergeLock {
  return store.dialect === 'postgres' ? advisoryMergeLock(store) : storeMergeLock(store);
}

/** The 64-bit advisory lock key of a repository's merge lock (signed, as PostgreSQL's bigint). */
export function advisoryKey(repo: string): bigint {
  return createHash('sha256').update(`orch:merge-lock:${repo}`).digest().readBigInt64BE(0);
}

/**
 * The lock as a PostgreSQL advisory lock. Each acquired lease keeps its own pooled connection
 * until it is released: an advisory lock belongs to the session that took it. A connection whose
 * unlock fails is destroyed, never returned to the pool still holding a lock.
 */
export function advisoryMergeLock(store: PostgresStore): MergeLock {
  const held = new Map<string, { session: PgSession; key: bigint }>();
  return {
    async acquire(repo, taskId, ttlMs) {
      const key = advisoryKey(repo);
      const session = await store.session();
      let locked: boolean;
      try {
        const got = await session.client.query<{ ok: boolean }>('select pg_try_advisory_lock($1::bigint) as ok', [key.toString()]);
        locked = got.rows[0]?.ok === true;
      } catch (error) {
        session.end(true);
        throw error;
      }
      if (!locked) {
        session.end();
        const row = await currentHolderRow(store, repo);
        return { acquired: false, heldBy: row ? { holder: row.holder, taskId: row.task_id, expiresAt: row.expires_at } : null };
      }
      const now = Date.now();
      const lease = { repo, holder: holderId(taskId), expiresAt: new Date(now + ttlMs).toISOString() };
      let broken: BrokenLock | undefined;
      try {
        // We hold the advisory lock: a row still there is a holder's whose session died without
        // releasing (its process killed). It never kept us out; it is overwritten and recorded.
        const left = await findMergeLock(store.db, repo);
        if (left) broken = brokenOf(left);
        await recordMergeLockHolder(store.db, { repo, holder: lease.holder, taskId, at: new Date(now).toISOString(), expiresAt: lease.expiresAt });
      } catch (error) {
        // Closing the connection ends its session, and the lock with it.
        session.end(true);
        throw error;
      }
      held.set(lease.holder, { session, key });
      return broken ? { acquired: true, lease, broken } : { acquired: true, lease };
    },
    async release(lease) {
      const entry = held.get(lease.holder);
      if (!entry) return false;
      held.delete(lease.holder);
      const { session, key } = entry;
      try {
        await releaseMergeLock(store.db, lease.repo, lease.holder);
        const unlocked = await session.client.query<{ ok: boolean }>('select pg_advisory_unlock($1::bigint) as ok', [key.toString()]);
        const wasHeld = unlocked.rows[0]?.ok === true;
        session.end();
        return wasHeld;
      } catch {
        // The session is gone (and the lock with it) or unusable: never pool it again.
        session.end(true);
        return false;
      }
    },
  };
}

/**
 * The row that names the advisory lock's holder. A holder writes it just after it took the lock,
 * so a gate turned away in between finds none yet: look again a few times before saying unknown.
 */
async function currentHolderRow(store: PostgresStore, repo: string) {
  for (let attempt = 1; ; attempt++) {
    const row = await findMergeLock(store.db, repo);
    if (row || attempt >= HOLDER_ROW_ATTEMPTS) return row;
    await sleep(Math.min(10 * attempt, 100));
  }
}
// About 1 s in all: on a loaded machine the holder's row can lag its lock by more than 100 ms.
const HOLDER_ROW_ATTEMPTS = 15;

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
      const lease = { repo, holder: req.holder, expiresAt: req.expiresAt };
      const first = await writeTransaction(store, (trx) => tryTakeMergeLock(trx, req));
      if (first.taken) return { acquired: true, lease };
      let row = first.row;
      // A holder that died on this machine is not waited for: break its lock (guarded by its exact
      // holder id, so a live holder that took it meanwhile keeps it), then take it.
      if (row && holderIsDead(row.holder)) {
        const dead = row;
        const again = await writeTransaction(store, async (trx) => ((await breakMergeLock(trx, repo, dead.holder)) ? tryTakeMergeLock(trx, req) : { taken: false, row: await findMergeLock(trx, repo) }));
        if (again.taken) return { acquired: true, lease, broken: brokenOf(dead) };
        row = again.row;
      }
      return { acquired: false, heldBy: row ? { holder: row.holder, taskId: row.task_id, expiresAt: row.expires_at } : null };
    },
    async release(lease) {
      return writeTransaction(store, (trx) => releaseMergeLock(trx, lease.repo, lease.holder));
    },
  };
}
