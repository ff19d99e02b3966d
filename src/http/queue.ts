// GET /queue: a snapshot of the store, read in one transaction so every block describes the same
// moment. Figures are derived from the tables (SPEC §8), never kept in memory: every process sees
// the same numbers and they survive restarts.
import type { Config } from '../config/keys.ts';
import { STAGES } from '../pipeline/stages.ts';
import { JOB_STATES, PENDING_JOB_STATES, TASK_STATES, TASK_SUBSTATES } from '../pipeline/states.ts';
import { mergeGateBlock } from '../merge/counters.ts';
import { stagingRunnerStatus } from '../staging/counters.ts';
import type { Store } from '../store/db.ts';
import type { Alert } from '../store/schema.ts';
import type { Db } from '../store/tx.ts';

/** How many alerts the `alerts.recent` list holds, newest first. */
export const RECENT_ALERTS = 20;

type Counts = Record<string, number>;

/** Every key present, zero when nothing is there, in the order of `keys`. */
function countsOf(keys: readonly string[], rows: ReadonlyArray<{ key: string; n: number | bigint | string }>): Counts {
  const out: Counts = Object.fromEntries(keys.map((k) => [k, 0]));
  for (const row of rows) out[row.key] = (out[row.key] ?? 0) + Number(row.n);
  return out;
}

async function queueBlock(db: Db) {
  const tasksByState = await db.selectFrom('tasks').select(['state as key', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('state').execute();
  const tasksBySubstate = await db.selectFrom('tasks').select(['substate as key', (eb) => eb.fn.countAll<number>().as('n')]).where('substate', 'is not', null).groupBy('substate').execute();
  const tasksByStage = await db.selectFrom('tasks').select(['stage as key', (eb) => eb.fn.countAll<number>().as('n')]).where('state', '!=', 'done').groupBy('stage').execute();
  const jobsByState = await db.selectFrom('jobs').select(['state as key', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('state').execute();
  const jobsByStage = await db
    .selectFrom('jobs')
    .select(['stage as key', (eb) => eb.fn.countAll<number>().as('n')])
    .where('state', 'in', [...PENDING_JOB_STATES])
    .groupBy('stage')
    .execute();
  const openStages = STAGES.filter((s) => s !== 'done');
  return {
    tasks: { by_state: countsOf(Object.values(TASK_STATES), tasksByState), by_substate: countsOf(Object.values(TASK_SUBSTATES), tasksBySubstate as Array<{ key: string; n: number }>), open_by_stage: countsOf(openStages, tasksByStage) },
    jobs: { by_state: countsOf(Object.values(JOB_STATES), jobsByState), pending_by_stage: countsOf(openStages, jobsByStage) },
  };
}

async function runningBlock(db: Db) {
  return db
    .selectFrom('jobs')
    .innerJoin('tasks', 'tasks.id', 'jobs.task_id')
    .select(['jobs.id as job_id', 'jobs.task_id', 'tasks.repo', 'tasks.branch', 'jobs.stage', 'jobs.agent', 'jobs.attempt', 'jobs.started_at', 'jobs.lease_owner', 'jobs.lease_expires_at', 'jobs.pid'])
    .where('jobs.state', '=', 'running')
    .orderBy('jobs.id')
    .execute();
}

async function deferredBlock(db: Db) {
  return db
    .selectFrom('jobs')
    .innerJoin('tasks', 'tasks.id', 'jobs.task_id')
    .select(['jobs.id as job_id', 'jobs.task_id', 'tasks.repo', 'tasks.branch', 'jobs.stage', 'jobs.agent', 'jobs.attempt', 'jobs.infra_attempts', 'jobs.not_before'])
    .where('jobs.state', '=', 'deferred')
    .orderBy('jobs.not_before')
    .orderBy('jobs.id')
    .execute();
}

function alertView(a: Alert) {
  let detail: unknown = a.detail;
  try {
    detail = a.detail === null ? null : JSON.parse(a.detail);
  } catch {
    // A detail that is not JSON is shown as the text it is.
  }
  return { id: a.id, task_id: a.task_id, kind: a.kind, message: a.message, detail, created_at: a.created_at, resolved_at: a.resolved_at };
}

async function alertsBlock(db: Db) {
  const open = await db.selectFrom('alerts').select((eb) => eb.fn.countAll<number>().as('n')).where('resolved_at', 'is', null).executeTakeFirstOrThrow();
  const total = await db.selectFrom('alerts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const recent = await db.selectFrom('alerts').selectAll().orderBy('id', 'desc').limit(RECENT_ALERTS).execute();
  return { open: Number(open.n), total: Number(total.n), recent: recent.map(alertView) };
}

/** The whole GET /queue body. */
export async function readQueue(store: Store, config: Config, now: Date = new Date()) {
  return store.db.transaction().execute(async (trx) => ({
    generated_at: now.toISOString(),
    queue: await queueBlock(trx),
    running: await runningBlock(trx),
    deferred: await deferredBlock(trx),
    staging_runner: await stagingRunnerStatus(config, trx),
    // The merge gate's reader takes a store: hand it this transaction so it sees the same moment.
    merge_gate: await mergeGateBlock({ ...store, db: trx }, config),
    alerts: await alertsBlock(trx),
  }));
}

export type QueueSnapshot = Awaited<ReturnType<typeof readQueue>>;
