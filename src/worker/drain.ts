// What keeps `worker --until-idle` from stopping, and what it leaves waiting. Work within the
// run's reach (the idle horizon) keeps it running: a job running, queued, or deferred until no
// later than the horizon; a task between its job and its gate (the sweep resumes it), including
// one whose merge gate waited out a busy merge lock, unless that lock is held by a live holder
// until after the horizon. What lies beyond the reach is reported, with until when.
import { MERGE_CHECK_ID } from '../merge/check.ts';
import { holderIsDead } from '../merge/lock.ts';
import { LOCK_WAIT_CAUSE } from '../core/merge-route.ts';
import { findMergeLock } from '../store/repos/merge-locks.ts';
import { countBusyJobs, stalledTaskIds } from '../store/repos/jobs.ts';
import type { Db } from '../store/tx.ts';
import { parseJsonObject } from '../util/json.ts';

export type Waiting =
  | { readonly kind: 'deferred-job'; readonly jobId: number; readonly taskId: number; readonly stage: string; readonly agent: string; readonly until: string | null }
  | { readonly kind: 'merge-lock'; readonly taskId: number; readonly holder: string; readonly until: string };

export interface DrainState {
  /** Something within reach: keep running. */
  readonly busy: boolean;
  /** Work beyond reach, soonest first. */
  readonly waiting: readonly Waiting[];
}

/** A stalled task whose last merge gate waited out a lock that a live holder keeps past `horizon`. */
async function lockedBeyond(db: Db, taskId: number, horizon: string): Promise<Waiting | null> {
  const gate = await db.selectFrom('gate_results').select('detail').where('task_id', '=', taskId).where('check_id', '=', MERGE_CHECK_ID).orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (parseJsonObject(gate?.detail ?? null)?.['cause'] !== LOCK_WAIT_CAUSE) return null;
  const task = await db.selectFrom('tasks').select('repo').where('id', '=', taskId).executeTakeFirst();
  const lock = task ? await findMergeLock(db, task.repo) : undefined;
  if (!lock || lock.task_id === taskId || holderIsDead(lock.holder) || lock.expires_at <= horizon) return null;
  return { kind: 'merge-lock', taskId, holder: lock.holder, until: lock.expires_at };
}

export async function drainState(db: Db, horizon: string): Promise<DrainState> {
  if ((await countBusyJobs(db, horizon)) > 0) return { busy: true, waiting: [] };
  const waiting: Waiting[] = [];
  for (const taskId of await stalledTaskIds(db)) {
    const locked = await lockedBeyond(db, taskId, horizon);
    if (!locked) return { busy: true, waiting: [] };
    waiting.push(locked);
  }
  const deferred = await db
    .selectFrom('jobs as j')
    .innerJoin('tasks as t', 't.id', 'j.task_id')
    .select(['j.id', 'j.task_id', 'j.stage', 'j.agent', 'j.not_before'])
    .where('j.state', '=', 'deferred')
    .where('t.state', '=', 'active')
    .orderBy('j.not_before')
    .execute();
  for (const j of deferred) waiting.push({ kind: 'deferred-job', jobId: j.id, taskId: j.task_id, stage: j.stage, agent: j.agent, until: j.not_before });
  waiting.sort((a, b) => String(a.until).localeCompare(String(b.until)));
  return { busy: false, waiting };
}

/** One line for the worker's stop message. */
export function describeWaiting(w: Waiting): string {
  return w.kind === 'deferred-job'
    ? `job ${w.jobId} ${w.agent} (task ${w.taskId}, ${w.stage}) deferred until ${w.until ?? '?'}`
    : `task ${w.taskId} waits for the merge lock held by ${w.holder} until ${w.until}`;
}
