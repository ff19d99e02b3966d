// Job rows: the queue of agent runs. Here are the writes that stage changes need and the reads
// the CLI, the sweep and the worker's idle check show; claiming a job and the lease of a running
// one are in job-queue.ts.
import { sql } from 'kysely';
import type { Stage } from '../../core/stages.ts';
import { PENDING_JOB_STATES } from '../../core/states.ts';
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
