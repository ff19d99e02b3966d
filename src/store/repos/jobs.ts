// Job rows: the queue of agent runs. Claiming and leases belong to the worker; here are the
// writes that stage changes need and the reads the CLI shows.
import { sql } from 'kysely';
import type { Stage } from '../../core/stages.ts';
import { PENDING_JOB_STATES } from '../../core/states.ts';
import type { Job } from '../schema.ts';
import { nowIso } from '../time.ts';
import type { Store } from '../db.ts';
import { PG_UNIQUE_VIOLATION, sqlState, type Db } from '../tx.ts';

export interface NewJobInput {
  readonly taskId: number;
  readonly stage: Stage;
  readonly agent: string;
  /** 1 for a stage's first run; a verdict re-run counts up. @default 1 */
  readonly attempt?: number;
  readonly detail?: object;
  /** Creation time; one transaction's rows share one. @default now */
  readonly at?: string;
  /** A job that must not run before this instant is `deferred` until then. @default null (queued) */
  readonly notBefore?: string | null;
  /** Infra re-queues that led to this job (the gate's retry budget counts them). @default 0 */
  readonly infraAttempts?: number;
}

/** Enqueue a job: `queued`, or `deferred` until `notBefore` when one is given. */
export async function insertJob(db: Db, input: NewJobInput): Promise<Job> {
  return db
    .insertInto('jobs')
    .values({
      task_id: input.taskId,
      stage: input.stage,
      agent: input.agent,
      state: input.notBefore ? 'deferred' : 'queued',
      attempt: input.attempt ?? 1,
      infra_attempts: input.infraAttempts ?? 0,
      not_before: input.notBefore ?? null,
      lease_owner: null,
      lease_expires_at: null,
      pid: null,
      created_at: input.at ?? nowIso(),
      started_at: null,
      finished_at: null,
      outcome: null,
      detail: input.detail === undefined ? null : JSON.stringify(input.detail),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function jobsForTask(db: Db, taskId: number): Promise<Job[]> {
  return db.selectFrom('jobs').selectAll().where('task_id', '=', taskId).orderBy('id').execute();
}

/** The newest job of a task on a stage: the one whose artifact the gate is judging. */
export async function latestJobForStage(db: Db, taskId: number, stage: Stage): Promise<Job | undefined> {
  return db
    .selectFrom('jobs')
    .selectAll()
    .where('task_id', '=', taskId)
    .where('stage', '=', stage)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Cancel jobs of a task that have not started (queued or deferred): its stage moved on. */
export async function cancelWaitingJobs(db: Db, taskId: number, reason: string): Promise<number> {
  const result = await db
    .updateTable('jobs')
    .set({
      state: 'cancelled',
      finished_at: nowIso(),
      outcome: 'cancelled',
      // Keep whatever the job already recorded; only an empty detail gets the reason.
      detail: sql<string>`coalesce(detail, ${JSON.stringify({ reason })})`,
    })
    .where('task_id', '=', taskId)
    .where('state', 'in', ['queued', 'deferred'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Jobs of a task that will still run or are running. */
export async function pendingJobsForTask(db: Db, taskId: number): Promise<Job[]> {
  return db
    .selectFrom('jobs')
    .selectAll()
    .where('task_id', '=', taskId)
    .where('state', 'in', [...PENDING_JOB_STATES])
    .orderBy('id')
    .execute();
}

/** Record a job's end (the worker's finish handler does this before it calls advance()). */
export async function finishJob(db: Db, jobId: number, state: 'succeeded' | 'failed', outcome: string): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ state, outcome, finished_at: nowIso(), lease_owner: null, lease_expires_at: null })
    .where('id', '=', jobId)
    .where('state', 'in', ['queued', 'running'])
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

// ---- The queue as the worker sees it: claim, lease, release, complete, reap. Every write to a
// running job is guarded by its lease owner, so a worker whose lease was taken away (reaped)
// cannot write a result over the run that replaced it.

/** States a worker may claim (a deferred job once its not_before has passed). */
export const CLAIMABLE_STATES = Object.freeze(['queued', 'deferred'] as const);

/**
 * Claim the oldest runnable job in ONE guarded statement: an UPDATE whose WHERE picks the job by a
 * subquery and re-checks its state, so two workers can never both get it. Runnable: queued, or
 * deferred with not_before passed; its task active; no other job of the task running (they share
 * the task's worktree).
 *
 * SQLite (one writer at a time): look first, then update. PostgreSQL (many writers): the pick
 * locks the job and its task row FOR UPDATE SKIP LOCKED, so concurrent workers each take a
 * different job instead of queueing on the same row; should two of them still pick two jobs of
 * one task, the unique index jobs_one_running_per_task refuses the second, which claims nothing
 * this round.
 */
export async function claimNextJob(store: Pick<Store, 'db' | 'dialect'>, claim: { owner: string; now: string; leaseUntil: string }): Promise<Job | undefined> {
  const { db } = store;
  const pg = store.dialect === 'postgres';
  const base = db
    .selectFrom('jobs as j')
    .innerJoin('tasks as t', 't.id', 'j.task_id')
    .select('j.id')
    .where('j.state', 'in', [...CLAIMABLE_STATES])
    .where((eb) => eb.or([eb('j.not_before', 'is', null), eb('j.not_before', '<=', claim.now)]))
    .where('t.state', '=', 'active')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb.selectFrom('jobs as r').select('r.id').whereRef('r.task_id', '=', 'j.task_id').where('r.state', '=', 'running'),
        ),
      ),
    )
    .orderBy(sql`coalesce(j.not_before, j.created_at)`)
    .orderBy('j.id')
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

/** How many of the task's newest jobs on `stage` failed in a row (the current run included). */
export async function failedStreak(db: Db, taskId: number, stage: string): Promise<number> {
  const rows = await db.selectFrom('jobs').select('state').where('task_id', '=', taskId).where('stage', '=', stage).orderBy('id', 'desc').limit(50).execute();
  let n = 0;
  for (const row of rows) {
    if (row.state !== 'failed') break;
    n++;
  }
  return n;
}

/** Jobs that keep a worker busy: running; queued for an active task; deferred until no later than `horizon`. */
export async function countBusyJobs(db: Db, horizon: string): Promise<number> {
  const row = await db
    .selectFrom('jobs as j')
    .innerJoin('tasks as t', 't.id', 'j.task_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) =>
      eb.or([
        eb('j.state', '=', 'running'),
        eb.and([eb('j.state', '=', 'queued'), eb('t.state', '=', 'active')]),
        eb.and([eb('j.state', '=', 'deferred'), eb('t.state', '=', 'active'), eb.or([eb('j.not_before', 'is', null), eb('j.not_before', '<=', horizon)])]),
      ]),
    )
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Active tasks with no pending job whose stage's newest job succeeded (at or before
 * `finishedBefore`, when given): the worker that ran that job died between recording it and
 * evaluating the gate. advance() (version-guarded) resumes them.
 */
export async function stalledTaskIds(db: Db, finishedBefore?: string): Promise<number[]> {
  const rows = await db
    .selectFrom('tasks as t')
    .select('t.id')
    .where('t.state', '=', 'active')
    // A mergeable task waits for an explicit merge (orch stage --merge, orch task merge).
    .where('t.substate', 'is', null)
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom('jobs as p').select('p.id').whereRef('p.task_id', '=', 't.id').where('p.state', 'in', [...PENDING_JOB_STATES]))),
    )
    .where((eb) =>
      eb(
        eb
          .selectFrom('jobs as l')
          .select('l.state')
          .whereRef('l.task_id', '=', 't.id')
          .whereRef('l.stage', '=', 't.stage')
          .orderBy('l.id', 'desc')
          .limit(1),
        '=',
        'succeeded',
      ),
    )
    .$if(finishedBefore !== undefined, (q) =>
      q.where((eb) =>
        eb(
          eb.selectFrom('jobs as f').select('f.finished_at').whereRef('f.task_id', '=', 't.id').whereRef('f.stage', '=', 't.stage').orderBy('f.id', 'desc').limit(1),
          '<=',
          finishedBefore as string,
        ),
      ),
    )
    .orderBy('t.id')
    .execute();
  return rows.map((r) => r.id);
}
