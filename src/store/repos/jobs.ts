// Job rows: the queue of agent runs. Claiming and leases belong to the worker; here are the
// writes that stage changes need and the reads the CLI shows.
import { sql } from 'kysely';
import type { Stage } from '../../pipeline/stages.ts';
import { PENDING_JOB_STATES } from '../../pipeline/states.ts';
import type { Job } from '../schema.ts';
import { nowIso } from '../time.ts';
import type { Db } from '../tx.ts';

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
