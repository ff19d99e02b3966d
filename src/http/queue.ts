// GET /queue: a snapshot of the store, read in one transaction so every block describes the same
// moment. Figures are derived from the tables (SPEC §8), never kept in memory: every process sees
// the same numbers and they survive restarts.
import type { Config } from '../config/keys.ts';
import { STAGES } from '../pipeline/stages.ts';
import { JOB_STATES, PENDING_JOB_STATES, TASK_STATES, TASK_SUBSTATES } from '../pipeline/states.ts';
import { mergeGateBlock } from '../merge/counters.ts';
import { stagingRunnerStatus } from '../staging/counters.ts';
import { testRunnerStatus } from '../test-runner/runner.ts';
import { budgetStatus } from '../launcher/budget.ts';
import type { Store } from '../store/db.ts';
import type { Alert } from '../store/schema.ts';
import type { Db } from '../store/tx.ts';
import { ownerReaps } from '../worker/reaper.ts';
import { detailValue } from '../util/json.ts';

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
  // Reaps for a dead worker or a lost lease (jobs.detail.reaps): infra, never a failed attempt.
  const reaped = await db.selectFrom('jobs').select('detail').where('detail', 'like', '%"reaps"%').execute();
  const reaps = reaped.reduce((n, row) => n + ownerReaps(row.detail), 0);
  const openStages = STAGES.filter((s) => s !== 'done');
  return {
    tasks: { by_state: countsOf(Object.values(TASK_STATES), tasksByState), by_substate: countsOf(Object.values(TASK_SUBSTATES), tasksBySubstate as Array<{ key: string; n: number }>), open_by_stage: countsOf(openStages, tasksByStage) },
    jobs: { by_state: countsOf(Object.values(JOB_STATES), jobsByState), pending_by_stage: countsOf(openStages, jobsByStage), reaps },
  };
}

/** Rows with their `detail` replaced by the job's reap count. */
function withReaps<T extends { detail: string | null }>(rows: readonly T[]): Array<Omit<T, 'detail'> & { reaps: number }> {
  return rows.map(({ detail, ...row }) => ({ ...row, reaps: ownerReaps(detail) }));
}

async function runningBlock(db: Db) {
  const rows = await db
    .selectFrom('jobs')
    .innerJoin('tasks', 'tasks.id', 'jobs.task_id')
    .select(['jobs.id as job_id', 'jobs.task_id', 'tasks.repo', 'tasks.branch', 'jobs.stage', 'jobs.agent', 'jobs.attempt', 'jobs.started_at', 'jobs.lease_owner', 'jobs.lease_expires_at', 'jobs.pid', 'jobs.detail'])
    .where('jobs.state', '=', 'running')
    .orderBy('jobs.id')
    .execute();
  return withReaps(rows);
}

async function deferredBlock(db: Db) {
  const rows = await db
    .selectFrom('jobs')
    .innerJoin('tasks', 'tasks.id', 'jobs.task_id')
    .select(['jobs.id as job_id', 'jobs.task_id', 'tasks.repo', 'tasks.branch', 'jobs.stage', 'jobs.agent', 'jobs.attempt', 'jobs.infra_attempts', 'jobs.not_before', 'jobs.detail'])
    .where('jobs.state', '=', 'deferred')
    .orderBy('jobs.not_before')
    .orderBy('jobs.id')
    .execute();
  return withReaps(rows);
}

function alertView(a: Alert) {
  return { id: a.id, task_id: a.task_id, kind: a.kind, message: a.message, detail: detailValue(a.detail), created_at: a.created_at, resolved_at: a.resolved_at };
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
    test_runner: await testRunnerStatus(config, trx),
    budget: await budgetStatus(config, trx),
    // The merge gate's reader takes a store: hand it this transaction so it sees the same moment.
    merge_gate: await mergeGateBlock({ ...store, db: trx }, config),
    alerts: await alertsBlock(trx),
  }));
}

export type QueueSnapshot = Awaited<ReturnType<typeof readQueue>>;
