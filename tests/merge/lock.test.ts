// The merge lock through the store: atomic, one holder per repo, expiry for dead holders, and
// only the holder can release it. Two connections stand in for two processes.
import { afterEach, describe, expect, it } from 'vitest';
import { storeMergeLock } from '../../src/merge/lock.ts';
import { findMergeLock } from '../../src/store/repos/merge-locks.ts';
import { makeTempStore, type TempStore } from '../helpers/store.ts';

let t: TempStore | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

describe('merge lock (merge_locks table)', () => {
  it('one holder per repo; others get busy with the holder named; other repos are independent', async () => {
    t = await makeTempStore();
    const other = await t.open();
    try {
      const [a, b] = [storeMergeLock(t.store), storeMergeLock(other)];
      const results = await Promise.all([a.acquire('/r', 1, 60_000), b.acquire('/r', 2, 60_000)]);
      expect(results.filter((r) => r.acquired)).toHaveLength(1);
      const loser = results.find((r) => !r.acquired);
      const winner = results.find((r) => r.acquired);
      if (!loser || loser.acquired || !winner?.acquired) throw new Error('expected one winner and one loser');
      expect(loser.heldBy?.holder).toBe(winner.lease.holder);
      expect(winner.lease.holder).toMatch(/^task-[12]@.+:\d+\.\d+:[0-9a-f]{8}$/);
      expect((await a.acquire('/other-repo', 3, 60_000)).acquired).toBe(true);
      expect(await a.release(winner.lease)).toBe(true);
      expect((await b.acquire('/r', 2, 60_000)).acquired).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('an expired lock is taken over; the lapsed holder cannot release the new one', async () => {
    t = await makeTempStore();
    const lock = storeMergeLock(t.store);
    const first = await lock.acquire('/r', 1, 1);
    if (!first.acquired) throw new Error('expected the lock');
    await new Promise((r) => setTimeout(r, 5));
    const second = await lock.acquire('/r', 2, 60_000);
    expect(second.acquired).toBe(true);
    expect(await lock.release(first.lease)).toBe(false);
    expect((await findMergeLock(t.store.db, '/r'))?.task_id).toBe(2);
  });
});
