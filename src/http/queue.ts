// GET /queue: a snapshot of the store, read in one transaction so every block describes the same
// moment. Figures are derived from the tables (SPEC §8), never kept in memory: every process sees
// the same numbers and they survive restarts.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/keys.ts';
import type { MergeSwitches } from '../merge/options.ts';
import { taskDir } from '../config/task-paths.ts';
import { STAGES } from '../core/stages.ts';
import { JOB_STATES, TASK_STATES, TASK_SUBSTATES } from '../core/states.ts';
import { mergeGateBlock } from '../merge/counters.ts';
import { stagingRunnerStatus } from '../staging/counters.ts';
import { testRunnerStatus } from '../test-runner/runner.ts';
import { budgetStatus } from '../launcher/budget.ts';
import { ownerReaps } from '../worker/reaper.ts';
import { detailValue, parseJsonObject } from '../util/json.ts';
import type { Store } from '../store/db.ts';
import type { Alert } from '../store/schema.ts';
import type { Db } from '../store/tx.ts';
import { jobCounts, taskCounts, type Dialect, type KeyCount } from '../store/repos/queue-counts.ts';
import type { AlertEntry, DeferredEntry, MergeLockEntry, QueueSnapshot, RunningEntry } from './queue-schema.ts';

/** How many alerts the `alerts.recent` list holds, newest first. */
export const RECENT_ALERTS = 20;

type Counts = Record<string, number>;

/** Every key present, zero when nothing is there, in the order of `keys`. */
function countsOf(keys: readonly string[], rows: readonly KeyCount[]): Counts {
  const out: Counts = Object.fromEntries(keys.map((k) => [k, 0]));
  for (const row of rows) out[row.key] = (out[row.key] ?? 0) + row.n;
  return out;
}

/** The counts, computed by the database (GROUP BY and sums: no table is read in to be counted). */
async function queueBlock(db: Db, dialect: Dialect) {
  const tasks = await taskCounts(db);
  const jobs = await jobCounts(db, dialect);
  const openStages = STAGES.filter((s) => s !== 'done');
  return {
    tasks: { by_state: countsOf(Object.values(TASK_STATES), tasks.byState), by_substate: countsOf(Object.values(TASK_SUBSTATES), tasks.bySubstate), open_by_stage: countsOf(openStages, tasks.openByStage) },
    jobs: { by_state: countsOf(Object.values(JOB_STATES), jobs.byState), pending_by_stage: countsOf(openStages, jobs.pendingByStage), reaps: jobs.reaps },
  };
}

const detailOf = (raw: string | null): Record<string, unknown> => parseJsonObject(raw) ?? {};

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The newest file of a folder (the merge gate's re-test log), or null. */
function newestFile(dir: string): string | null {
  try {
    const files = readdirSync(dir).filter((f) => f.endsWith('.log') && !f.endsWith('.stderr.log'));
    const newest = files.map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs })).sort((a, b) => b.t - a.t)[0];
    return newest ? join(dir, newest.f) : null;
  } catch {
    return null;
  }
}

/**
 * Running jobs, then the tasks whose merge gate runs now: their stage job has ended, but the gate
 * holds the repo's merge lock and re-tests the branch (it may take minutes). Both are work in
 * progress, so both are listed, the second with phase merge-gate.
 */
async function runningBlock(db: Db, config: Config): Promise<RunningEntry[]> {
  const jobs = await db
    .selectFrom('jobs')
    .innerJoin('tasks', 'tasks.id', 'jobs.task_id')
    .select(['jobs.id as job_id', 'jobs.task_id', 'tasks.repo', 'tasks.branch', 'jobs.stage', 'jobs.agent', 'jobs.attempt', 'jobs.started_at', 'jobs.lease_owner', 'jobs.lease_expires_at', 'jobs.pid', 'jobs.detail'])
    .where('jobs.state', '=', 'running')
    .orderBy('jobs.id')
    .execute();
  const out: RunningEntry[] = jobs.map(({ detail, ...j }) => {
    const run = detailOf(detail).run as Record<string, unknown> | undefined;
    return { ...j, phase: 'agent' as const, log_path: str(run?.logPath), reaps: ownerReaps(detail) };
  });
  const gates = await db
    .selectFrom('merge_locks')
    .innerJoin('tasks', 'tasks.id', 'merge_locks.task_id')
    .select(['merge_locks.task_id', 'merge_locks.holder', 'merge_locks.acquired_at', 'merge_locks.expires_at', 'tasks.repo', 'tasks.branch', 'tasks.stage'])
    .orderBy('merge_locks.acquired_at')
    .execute();
  for (const g of gates) {
    const taskId = g.task_id as number;
    if (out.some((r) => r.task_id === taskId)) continue;
    const last = await db.selectFrom('jobs').select(['id', 'attempt']).where('task_id', '=', taskId).orderBy('id', 'desc').limit(1).executeTakeFirst();
    if (!last) continue;
    out.push({
      job_id: last.id,
      task_id: taskId,
      repo: g.repo,
      branch: g.branch,
      stage: g.stage,
      agent: 'merge-gate',
      phase: 'merge-gate',
      attempt: last.attempt,
      started_at: g.acquired_at,
      lease_owner: g.holder,
      lease_expires_at: g.expires_at,
      pid: null,
      reaps: 0,
      log_path: newestFile(join(taskDir(config, taskId), 'merge-gate')),
    });
  }
  return out;
}

/** Why a deferred job waits: the reason its run gave, or the gate check that re-queued it. */
function causeOf(detail: Record<string, unknown>): string | null {
  const result = detail.result as Record<string, unknown> | undefined;
  const reason = str(result?.reason);
  if (reason !== null) return reason;
  if (detail.requeue === 'infra') return `re-queued by ${str(detail.checkId) ?? 'a gate check'} (infra attempt ${String(detail.infraAttempt ?? '?')})`;
  return str(detail.lastFailure);
}

async function deferredBlock(db: Db): Promise<DeferredEntry[]> {
  const rows = await db
    .selectFrom('jobs')
    .innerJoin('tasks', 'tasks.id', 'jobs.task_id')
    .select(['jobs.id as job_id', 'jobs.task_id', 'tasks.repo', 'tasks.branch', 'jobs.stage', 'jobs.agent', 'jobs.attempt', 'jobs.infra_attempts', 'jobs.not_before', 'jobs.detail'])
    .where('jobs.state', '=', 'deferred')
    .orderBy('jobs.not_before')
    .orderBy('jobs.id')
    .execute();
  return rows.map(({ detail, ...j }) => ({ ...j, cause: causeOf(detailOf(detail)), reaps: ownerReaps(detail) }));
}

async function mergeLocksBlock(db: Db): Promise<MergeLockEntry[]> {
  const rows = await db.selectFrom('merge_locks').selectAll().orderBy('repo').execute();
  return rows.map((r) => ({ repo: r.repo, holder: r.holder, task_id: r.task_id, since: r.acquired_at, expires_at: r.expires_at }));
}

function alertView(a: Alert): AlertEntry {
  return { id: a.id, task_id: a.task_id, kind: a.kind, message: a.message, detail: detailValue(a.detail), created_at: a.created_at, resolved_at: a.resolved_at };
}

async function alertsBlock(db: Db) {
  const open = await db.selectFrom('alerts').select((eb) => eb.fn.countAll<number>().as('n')).where('resolved_at', 'is', null).executeTakeFirstOrThrow();
  const total = await db.selectFrom('alerts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const recent = await db.selectFrom('alerts').selectAll().orderBy('id', 'desc').limit(RECENT_ALERTS).execute();
  return { open: Number(open.n), total: Number(total.n), recent: recent.map(alertView) };
}

/** The whole GET /queue body, in the shape of QueueResponse (src/http/queue-schema.ts). */
export async function readQueue(store: Store, config: Config, now: Date = new Date()): Promise<QueueSnapshot> {
  return store.db.transaction().execute(async (trx) => {
    // The merge gate's reader takes a store: hand it this transaction so it sees the same moment.
    const gate = await mergeGateBlock({ ...store, db: trx }, config);
    const snapshot: QueueSnapshot = {
      generated_at: now.toISOString(),
      queue: await queueBlock(trx, store.dialect),
      running: await runningBlock(trx, config),
      deferred: await deferredBlock(trx),
      merge_locks: await mergeLocksBlock(trx),
      staging_runner: await stagingRunnerStatus(config, { db: trx, dialect: store.dialect }),
      test_runner: await testRunnerStatus(config, { db: trx, dialect: store.dialect }),
      budget: await budgetStatus(config, trx),
      merge_gate: { ...gate, switches: snakeSwitches(gate.switches) },
      alerts: await alertsBlock(trx),
    };
    return snapshot;
  });
}

/** The kill-switches under the snake_case keys of every other /queue key. */
function snakeSwitches(s: MergeSwitches): QueueSnapshot['merge_gate']['switches'] {
  return { tree_kill: s.treeKill, classify: s.classify, infra_retry: s.infraRetry, skip_when_current: s.skipWhenCurrent, metrics: s.metrics };
}

export type { QueueSnapshot };
