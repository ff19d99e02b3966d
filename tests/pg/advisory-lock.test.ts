// The merge lock on PostgreSQL: a session-level advisory lock per repository. One holder across
// processes (two pools stand in for two machines), busy names the holder, a holder whose session
// dies frees the lock at once (no expiry to wait out), and a lapsed lease cannot be released.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { advisoryKey, advisoryMergeLock, mergeLockFor } from '../../src/merge/lock.ts';
import type { PostgresStore, Store } from '../../src/store/db.ts';
import { findMergeLock } from '../../src/store/repos/merge-locks.ts';
import { makeTempStore, type TempStore } from '../helpers/store.ts';
import { usePostgres } from '../helpers/backend.ts';

usePostgres();

let t: TempStore | undefined;
const others: Store[] = [];
afterEach(async () => {
  for (const s of others.splice(0)) await s.close();
  await t?.cleanup();
  t = undefined;
});

async function twoStores(): Promise<[PostgresStore, PostgresStore]> {
  t = await makeTempStore('postgres');
  const other = await t.open();
  others.push(other);
  if (t.store.dialect !== 'postgres' || other.dialect !== 'postgres') throw new Error('expected PostgreSQL stores');
  return [t.store, other];
}

/** Sessions holding the advisory lock of `repo`, as the server sees them. */
async function lockHolders(store: PostgresStore, repo: string): Promise<number[]> {
  const key = advisoryKey(repo);
  // A bigint advisory key is split into classid (high 32 bits) and objid (low 32 bits), objsubid 1.
  const high = Number(BigInt.asUintN(64, key) >> 32n);
  const low = Number(BigInt.asUintN(64, key) & 0xffffffffn);
  const { rows } = await store.pool.query<{ pid: number }>(
    "select pid from pg_locks where locktype = 'advisory' and granted and classid = $1::bigint::oid and objid = $2::bigint::oid and objsubid = 1",
    [high, low],
  );
  return rows.map((r) => r.pid);
}

describe('merge lock (PostgreSQL advisory lock)', () => {
  it('the gate uses the advisory lock on PostgreSQL', async () => {
    const [a] = await twoStores();
    const lock = mergeLockFor(a);
    const got = await lock.acquire('/r', 1, 60_000);
    expect(got.acquired).toBe(true);
    expect(await lockHolders(a, '/r')).toHaveLength(1);
    if (got.acquired) expect(await lock.release(got.lease)).toBe(true);
    expect(await lockHolders(a, '/r')).toEqual([]);
  });

  it('one holder per repo across two pools; busy names the holder; other repos are independent', async () => {
    const [sa, sb] = await twoStores();
    const [a, b] = [advisoryMergeLock(sa), advisoryMergeLock(sb)];
    const results = await Promise.all([a.acquire('/r', 1, 60_000), b.acquire('/r', 2, 60_000)]);
    expect(results.filter((r) => r.acquired)).toHaveLength(1);
    const winner = results.find((r) => r.acquired);
    const loser = results.find((r) => !r.acquired);
    if (!winner?.acquired || !loser || loser.acquired) throw new Error('expected one winner and one loser');
    expect(loser.heldBy?.holder).toBe(winner.lease.holder);
    expect((await findMergeLock(sa.db, '/r'))?.holder).toBe(winner.lease.holder);
    const other = await a.acquire('/other-repo', 3, 60_000);
    expect(other.acquired).toBe(true);
    if (other.acquired) expect(await a.release(other.lease)).toBe(true);
    const [winnerLock, loserLock] = results[0]?.acquired ? [a, b] : [b, a];
    expect(await winnerLock.release(winner.lease)).toBe(true);
    expect(await findMergeLock(sa.db, '/r')).toBeUndefined();
    const again = await loserLock.acquire('/r', 2, 60_000);
    expect(again.acquired).toBe(true);
    if (again.acquired) expect(await loserLock.release(again.lease)).toBe(true);
  });

  it('a holder whose session dies frees the lock at once; its lease can no longer be released', async () => {
    const [sa, sb] = await twoStores();
    const [a, b] = [advisoryMergeLock(sa), advisoryMergeLock(sb)];
    const first = await a.acquire('/r', 1, 600_000);
    if (!first.acquired) throw new Error('expected the lock');
    expect((await b.acquire('/r', 2, 60_000)).acquired).toBe(false);
    // The holder's machine is gone: its session ends (the server ends it, as after a crash).
    const [pid] = await lockHolders(sa, '/r');
    const admin = new pg.Client({ connectionString: t?.url });
    await admin.connect();
    // With a timeout, pg_terminate_backend waits until the session has ended (PostgreSQL 14+).
    await admin.query('select pg_terminate_backend($1, 5000)', [pid]);
    await admin.end();
    // Long before the 10 min the lease claimed, the lock is free; the stale row is replaced.
    const second = await b.acquire('/r', 2, 60_000);
    expect(second.acquired).toBe(true);
    if (!second.acquired) return;
    expect((await findMergeLock(sb.db, '/r'))?.holder).toBe(second.lease.holder);
    expect(await a.release(first.lease)).toBe(false);
    expect((await findMergeLock(sb.db, '/r'))?.holder).toBe(second.lease.holder);
    expect(await b.release(second.lease)).toBe(true);
  });

  it('closing a store with a lease still held ends its session: no hang, the lock is free', async () => {
    t = await makeTempStore('postgres');
    const holder = await t.open();
    if (holder.dialect !== 'postgres' || t.store.dialect !== 'postgres') throw new Error('expected PostgreSQL stores');
    expect((await advisoryMergeLock(holder).acquire('/r', 1, 60_000)).acquired).toBe(true);
    const started = Date.now();
    await holder.close();
    expect(Date.now() - started).toBeLessThan(10_000); // no hang: a ceiling, not a figure
    // The server ends the session once it sees the connection close: within moments, not an expiry.
    const other = advisoryMergeLock(t.store);
    let got = await other.acquire('/r', 2, 60_000);
    for (let i = 0; !got.acquired && i < 40; i++) {
      await new Promise((r) => setTimeout(r, 25));
      got = await other.acquire('/r', 2, 60_000);
    }
    expect(got.acquired).toBe(true);
  });

  it('a lease this process never held is not released', async () => {
    const [sa] = await twoStores();
    expect(await advisoryMergeLock(sa).release({ repo: '/r', holder: 'task-1@x:1:00000000', expiresAt: '2999-01-01T00:00:00.000Z' })).toBe(false);
  });
});
