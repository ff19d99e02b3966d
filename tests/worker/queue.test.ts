// The job queue as workers see it: an atomic claim, leases only the owner can use, and the
// reaper's pure judgment of a running job.
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/db.ts';
import { countBusyJobs, insertJob } from '../../src/store/repos/jobs.ts';
import { claimJobById, claimNextJob, completeJob, extendLease, releaseJob } from '../../src/store/repos/job-queue.ts';
import { insertTask } from '../../src/store/repos/tasks.ts';
import type { Job } from '../../src/store/schema.ts';
import { HOST_KEY, leaseOwnerIsDead } from '../../src/proc/identity.ts';
import { staleReason } from '../../src/core/stale.ts';
import { testBackend } from '../helpers/backend.ts';
import { makeTempStore, type TempStore } from '../helpers/store.ts';
import { until } from '../proc/helpers.ts';

let temp: TempStore | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

const iso = (ms: number) => new Date(ms).toISOString();
const NOW = Date.parse('2030-01-01T00:00:00.000Z');
const claimAt = (owner: string, at = NOW) => ({ owner, now: iso(at), leaseUntil: iso(at + 30_000) });

let branches = 0;
async function seed(t: TempStore, tasks: number, jobsPerTask = 1): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < tasks; i++) {
    const task = await insertTask(t.store.db, { repo: '/r', branch: `b${branches++}`, base: 'main', title: 't', stage: 'review' });
    for (let j = 0; j < jobsPerTask; j++) ids.push((await insertJob(t.store.db, { taskId: task.id, stage: 'review', agent: 'reviewer', at: iso(NOW - 1000) })).id);
  }
  return ids;
}

describe('claimNextJob', () => {
  it('is atomic: two connections to one file racing for 30 jobs claim each exactly once', async () => {
    const t = (temp = await makeTempStore());
    await seed(t, 30);
    const other = await t.open();
    try {
      // Both connections open before the race: a PostgreSQL connection that is still starting up
      // while the other drains the queue would show nothing about the claim.
      await Promise.all([sql`select 1`.execute(t.store.db), sql`select 1`.execute(other.db)]);
      const claimed: Job[] = [];
      const loop = async (db: Store, owner: string) => {
        for (let job = await claimNextJob(db, claimAt(owner)); job; job = await claimNextJob(db, claimAt(owner))) claimed.push(job);
      };
      await Promise.all([loop(t.store, 'a'), loop(other, 'b')]);
      expect(claimed.map((j) => j.id).sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(new Set(claimed.map((j) => j.lease_owner))).toEqual(new Set(['a', 'b']));
    } finally {
      await other.close();
    }
  });

  it('takes only runnable jobs: queued or due-deferred, of an active task, with no job of the task running', async () => {
    const t = (temp = await makeTempStore());
    const [a1, a2, b1, c1, d1] = [...(await seed(t, 1, 2)), ...(await seed(t, 3))];
    const db = t.store.db;
    await db.updateTable('tasks').set({ state: 'blocked' }).where('id', '=', 3).execute(); // c1's task
    await db.updateTable('jobs').set({ state: 'deferred', not_before: iso(NOW + 60_000) }).where('id', '=', d1 as number).execute();
    expect((await claimNextJob(t.store, claimAt('w')))?.id).toBe(a1);
    // a2 waits for a1 (same task, same worktree); c1's task is blocked; d1 is not due yet.
    expect((await claimNextJob(t.store, claimAt('w')))?.id).toBe(b1);
    expect(await claimNextJob(t.store, claimAt('w'))).toBeUndefined();
    expect((await claimNextJob(t.store, claimAt('w', NOW + 61_000)))?.id).toBe(d1);
    // Still nothing else: a2 waits for a1 (running), c1's task is blocked; both stay queued, unleased.
    expect(await claimNextJob(t.store, claimAt('w', NOW + 61_000))).toBeUndefined();
    const rest = await db.selectFrom('jobs').select(['id', 'state', 'lease_owner']).where('id', 'in', [a2 as number, c1 as number]).orderBy('id').execute();
    expect(rest).toEqual([
      { id: a2, state: 'queued', lease_owner: null },
      { id: c1, state: 'queued', lease_owner: null },
    ]);
  });
});

describe('claimJobById (orch stage: the same claim, for one named job)', () => {
  it('claims the named job with a lease, a deferred one even before its not_before; once only', async () => {
    const t = (temp = await makeTempStore());
    const [a1, b1] = await seed(t, 2);
    await t.store.db.updateTable('jobs').set({ state: 'deferred', not_before: iso(NOW + 3_600_000) }).where('id', '=', b1 as number).execute();
    const job = await claimJobById(t.store, b1 as number, claimAt('stage'));
    expect(job).toMatchObject({ id: b1, state: 'running', lease_owner: 'stage', lease_expires_at: iso(NOW + 30_000), started_at: iso(NOW) });
    expect(await claimJobById(t.store, b1 as number, claimAt('other'))).toBeUndefined();
    // The named job only: the worker's next job is untouched.
    expect(await t.store.db.selectFrom('jobs').select(['state', 'lease_owner']).where('id', '=', a1 as number).executeTakeFirstOrThrow()).toEqual({ state: 'queued', lease_owner: null });
  });

  it('claims nothing while another job of the task runs (they share its worktree)', async () => {
    const t = (temp = await makeTempStore());
    const [a1, a2] = await seed(t, 1, 2);
    expect((await claimJobById(t.store, a1 as number, claimAt('worker')))?.id).toBe(a1);
    expect(await claimJobById(t.store, a2 as number, claimAt('stage'))).toBeUndefined();
    expect(await t.store.db.selectFrom('jobs').select('state').where('id', '=', a2 as number).executeTakeFirstOrThrow()).toEqual({ state: 'queued' });
  });

  it.runIf(testBackend() === 'postgres')('PostgreSQL: losing the race for a task to a claim not yet committed claims nothing (no duplicate-row error)', async () => {
    const t = (temp = await makeTempStore());
    const [a1, a2] = await seed(t, 1, 2);
    const other = await t.open();
    try {
      let pending: Promise<Job | undefined> | undefined;
      await t.store.db.transaction().execute(async (trx) => {
        // Another claimer has set a1 running but not committed: the second claim's check sees no
        // running job of the task, so its UPDATE waits on the unique index for this transaction.
        await trx.updateTable('jobs').set({ state: 'running', lease_owner: 'first' }).where('id', '=', a1 as number).execute();
        pending = claimJobById(other, a2 as number, claimAt('second'));
        const waiting = async () => (await sql<{ n: number }>`select count(*)::int as n from pg_locks where not granted`.execute(trx)).rows[0]?.n ?? 0;
        await until(async () => (await waiting()) > 0, 5_000, 'the second claim to wait on the first');
      });
      expect(await pending).toBeUndefined();
      expect(await t.store.db.selectFrom('jobs').select(['id', 'state', 'lease_owner']).orderBy('id').execute()).toEqual([
        { id: a1, state: 'running', lease_owner: 'first' },
        { id: a2, state: 'queued', lease_owner: null },
      ]);
    } finally {
      await other.close();
    }
  });
});

describe('leases', () => {
  it('only the owner extends, releases or completes a running job', async () => {
    const t = (temp = await makeTempStore());
    await seed(t, 1);
    const db = t.store.db;
    const job = (await claimNextJob(t.store, claimAt('owner'))) as Job;
    expect(await extendLease(db, job.id, 'intruder', iso(NOW + 99_000))).toBe(false);
    expect(await completeJob(db, job.id, 'intruder', { state: 'succeeded', outcome: 'x', detail: {}, at: iso(NOW) })).toBe(false);
    expect(await releaseJob(db, job.id, 'intruder', {})).toBe(false);
    expect(await extendLease(db, job.id, 'owner', iso(NOW + 99_000))).toBe(true);
    expect(await releaseJob(db, job.id, 'owner', { released: true })).toBe(true);
    expect(await db.selectFrom('jobs').selectAll().where('id', '=', job.id).executeTakeFirstOrThrow()).toMatchObject({ state: 'queued', lease_owner: null, lease_expires_at: null, started_at: null });
    expect(await extendLease(db, job.id, 'owner', iso(NOW + 99_000))).toBe(false);
  });

  it('busy = running, queued for an active task, or deferred until the horizon', async () => {
    const t = (temp = await makeTempStore());
    const [j1] = await seed(t, 1);
    const db = t.store.db;
    expect(await countBusyJobs(db, iso(NOW))).toBe(1);
    await db.updateTable('jobs').set({ state: 'deferred', not_before: iso(NOW + 120_000) }).where('id', '=', j1 as number).execute();
    expect(await countBusyJobs(db, iso(NOW + 60_000))).toBe(0);
    expect(await countBusyJobs(db, iso(NOW + 180_000))).toBe(1);
  });
});

describe('staleReason (the reaper judgment)', () => {
  const base = { state: 'running' as const, started_at: iso(NOW - 10_000), lease_expires_at: iso(NOW + 10_000) };
  const ctx = { nowMs: NOW, maxRunningMs: 60_000, ownerIsDead: (owner: string) => leaseOwnerIsDead(owner, (pid) => pid === 999_999), self: `${HOST_KEY}:1:aaaa` };
  it.each([
    ['a fresh lease of a live owner', null, { lease_owner: `${HOST_KEY}:4242:abcd` }],
    ['an expired lease', 'lease-expired', { lease_owner: 'elsewhere/x:4242:abcd', lease_expires_at: iso(NOW - 1) }],
    ['a dead owner on this machine, lease still fresh', 'owner-dead', { lease_owner: `${HOST_KEY}:999999:abcd` }],
    ['a "dead" PID on another machine (its PIDs mean nothing here)', null, { lease_owner: 'elsewhere/x:999999:abcd' }],
    ['a job past the maximum run time, whoever holds it', 'ran-too-long', { lease_owner: `${HOST_KEY}:1:aaaa`, started_at: iso(NOW - 61_000) }],
    ['my own job with a fresh lease', null, { lease_owner: `${HOST_KEY}:1:aaaa` }],
    ['a lease with no expiry', 'lease-expired', { lease_owner: 'x:1:ab', lease_expires_at: null }],
  ] as const)('%s -> %s', (_what, expected, over) => {
    expect(staleReason({ ...base, ...over }, ctx)).toBe(expected);
  });
  it('judges running jobs only', () => {
    expect(staleReason({ ...base, state: 'queued', lease_owner: null, lease_expires_at: null }, ctx)).toBeNull();
  });
});
