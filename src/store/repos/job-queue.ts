// The queue as workers (and `orch stage`) see it: claim, lease, release, complete, reap. Every
// write to a running job is guarded by its lease owner, so a worker whose lease was taken away
// (reaped) cannot write a result over the run that replaced it. Job rows themselves: jobs.ts.
import { sql } from 'kysely';
import type { Store } from '../db.ts';
import type { Job } from '../schema.ts';
import { PG_UNIQUE_VIOLATION, sqlState, type Db } from '../tx.ts';

/** States a worker may claim (a deferred job once its not_before has passed). */
export const CLAIMABLE_STATES = Object.freeze(['queued', 'deferred'] as const);

export interface JobClaim {
  readonly owner: string;
  readonly now: string;
  readonly leaseUntil: string;
}

/**
 * THE claim, in ONE guarded statement: an UPDATE whose WHERE picks the job by a subquery and
 * re-checks its state, so two claimers can never both get it. Always: the job is queued or
 * deferred, and no other job of its task is running (they share the task's worktree; a worker on
 * the same worktree wins, nobody waits). The next job (`target` absent), as a worker takes it:
 * also its not_before has passed and its task is active, oldest first. A named job (`orch stage`):
 * that job, even before its not_before (the operator asked for the run now).
 *
 * SQLite (one writer at a time): look first, then update. PostgreSQL (many writers): the pick
 * locks the job and its task row FOR UPDATE SKIP LOCKED, so concurrent claimers each take a
 * different job instead of queueing on the same row; should two of them still pick two jobs of
 * one task, the unique index jobs_one_running_per_task refuses the second, which claims nothing.
 */
async function claimJob(store: Pick<Store, 'db' | 'dialect'>, claim: JobClaim, target?: { readonly jobId: number }): Promise<Job | undefined> {
  const { db } = store;
  const pg = store.dialect === 'postgres';
  const base = db
    .selectFrom('jobs as j')
    .innerJoin('tasks as t', 't.id', 'j.task_id')
    .select('j.id')
    .where('j.state', 'in', [...CLAIMABLE_STATES])
    .where((eb) =>
      eb.not(
        eb.exists(
          eb.selectFrom('jobs as r').select('r.id').whereRef('r.task_id', '=', 'j.task_id').where('r.state', '=', 'running'),
        ),
      ),
    )
    .$if(target !== undefined, (q) => q.where('j.id', '=', (target as { jobId: number }).jobId))
    .$if(target === undefined, (q) =>
      q
        .where((eb) => eb.or([eb('j.not_before', 'is', null), eb('j.not_before', '<=', claim.now)]))
        .where('t.state', '=', 'active')
        .orderBy(sql`coalesce(j.not_before, j.created_at)`)
        .orderBy('j.id'),
    )
    .limit(1);
  const pick = pg ? base.forUpdate(['j', 't']).skipLocked() : base;
  // An UPDATE takes SQLite's write lock even when it matches nothing: idle workers polling with it
  // would queue behind each other's real writes. Look first (a WAL read takes no lock).
  if (!pg && (await pick.executeTakeFirst()) === undefined) return undefined;
  try {
    return await db
      .updateTable('jobs')
      .set({ state: 'running', lease_owner: claim.owner, lease_expires_at: claim.leaseUntil, started_at: claim.now, finished_at: null, pid: null })
      .where('id', '=', pick)
      .where('state', 'in', [...CLAIMABLE_STATES])
      .returningAll()
      .executeTakeFirst();
  } catch (error) {
    if (pg && sqlState(error) === PG_UNIQUE_VIOLATION) return undefined;
    throw error;
  }
}

/** A worker's claim: the oldest runnable job, with a lease (see claimJob). */
export async function claimNextJob(store: Pick<Store, 'db' | 'dialect'>, claim: JobClaim): Promise<Job | undefined> {
  return claimJob(store, claim);
}

/**
 * `orch stage`'s claim: the task's deploy-staging job by id, with a lease exactly as a worker
 * holds it (the reaper treats a crashed `orch stage` like a crashed worker). undefined when a
 * worker claimed it first, or another job of the task is running.
 */
export async function claimJobById(store: Pick<Store, 'db' | 'dialect'>, jobId: number, claim: JobClaim): Promise<Job | undefined> {
  return claimJob(store, claim, { jobId });
}

/** Heartbeat: extend the lease; false when the lease is no longer ours (reaped, released). */
export async function extendLease(db: Db, jobId: number, owner: string, leaseUntil: string): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ lease_expires_at: leaseUntil })
    .where('id', '=', jobId)
    .where('state', '=', 'running')
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Record the running group (its root PID) and the job's detail, while the lease is ours. */
export async function recordJobRun(db: Db, jobId: number, owner: string, pid: number | null, detail: object): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ pid, detail: JSON.stringify(detail) })
    .where('id', '=', jobId)
    .where('state', '=', 'running')
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Give a running job back to the queue (shutdown, reaper): nothing of the run is recorded as a result. */
export async function releaseJob(db: Db, jobId: number, owner: string, detail: object): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ state: 'queued', lease_owner: null, lease_expires_at: null, pid: null, started_at: null, detail: JSON.stringify(detail) })
    .where('id', '=', jobId)
    .where('state', '=', 'running')
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export interface JobCompletion {
  readonly state: 'succeeded' | 'failed' | 'deferred';
  readonly outcome: string;
  readonly detail: object;
  /** For `deferred`: when it may run again. */
  readonly notBefore?: string | null;
  /** The job's infra_attempts after this run (the staging runner's tool errors); absent: unchanged. */
  readonly infraAttempts?: number | undefined;
  readonly at: string;
}

/** The end of a run, written only by the lease owner; false when the lease is gone (write nothing else). */
export async function completeJob(db: Db, jobId: number, owner: string, c: JobCompletion): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({
      state: c.state,
      outcome: c.outcome,
      detail: JSON.stringify(c.detail),
      finished_at: c.state === 'deferred' ? null : c.at,
      not_before: c.state === 'deferred' ? (c.notBefore ?? c.at) : null,
      lease_owner: null,
      lease_expires_at: null,
      ...(c.infraAttempts === undefined ? {} : { infra_attempts: c.infraAttempts }),
    })
    .where('id', '=', jobId)
    .where('state', '=', 'running')
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Every running job (the reaper judges each one with a pure function). */
export async function runningJobs(db: Db): Promise<Job[]> {
  return db.selectFrom('jobs').selectAll().where('state', '=', 'running').orderBy('id').execute();
}

/**
 * The reaper takes a stale job's lease from its owner, guarded by the exact lease it judged: if
 * the owner heartbeat in between, or another reaper was first, nothing changes.
 */
export async function takeOverLease(db: Db, job: Pick<Job, 'id' | 'lease_owner' | 'lease_expires_at'>, owner: string, leaseUntil: string): Promise<boolean> {
  let query = db.updateTable('jobs').set({ lease_owner: owner, lease_expires_at: leaseUntil }).where('id', '=', job.id).where('state', '=', 'running');
  query = job.lease_owner === null ? query.where('lease_owner', 'is', null) : query.where('lease_owner', '=', job.lease_owner);
  query = job.lease_expires_at === null ? query.where('lease_expires_at', 'is', null) : query.where('lease_expires_at', '=', job.lease_expires_at);
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows === 1n;
}
