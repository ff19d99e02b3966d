// Writes a gate decision: gate results, the transition row, the next job and the task's new
// stage/state/version in ONE transaction, guarded by the version the decision was made on.
import { VersionConflictError } from '../errors.ts';
import { raiseAlert } from '../store/repos/alerts.ts';
import { insertGateResults, insertTransition } from '../store/repos/history.ts';
import { cancelWaitingJobs, insertJob, type NewJobInput } from '../store/repos/jobs.ts';
import { confirmTaskVersion, updateTaskGuarded, type TaskPatch } from '../store/repos/tasks.ts';
import type { Task } from '../store/schema.ts';
import { nowIso } from '../store/time.ts';
import { writeTransaction, type Db } from '../store/tx.ts';
import { archiveStageArtifact } from './artifacts.ts';
import type { AdvanceDeps } from './advance.ts';
import type { Decision, JobPlan } from '../core/decide.ts';
import { requireTransition } from '../core/transitions.ts';
import { DEFER_CAUSES } from '../core/check.ts';

export interface Applied {
  readonly version: number;
  readonly transitionId: number | null;
  readonly jobId: number | null;
  readonly alertId: number | null;
}

/** The row for a planned job; an infra re-queue waits `deferred` until its backoff has passed. */
function jobInput(taskId: number, plan: JobPlan, at: string): NewJobInput {
  const base = { taskId, stage: plan.stage, agent: plan.agent, attempt: plan.attempt, at };
  if (!plan.infra) return base;
  const notBefore = new Date(Date.parse(at) + plan.infra.delayMs).toISOString();
  return { ...base, notBefore, infraAttempts: plan.infra.attempt, detail: { requeue: 'infra', checkId: plan.infra.checkId, infraAttempt: plan.infra.attempt } };
}

/** Mergeable, not merged (a stage without --merge): the task waits for an explicit merge. */
export function waitsForMerge(decision: Pick<Decision, 'outcome' | 'records'>): boolean {
  return decision.outcome === 'deferred' && decision.records.some((r) => r.verdict === 'defer' && (r.detail as { cause?: unknown } | null | undefined)?.cause === DEFER_CAUSES.mergeNotRequested);
}

function patchFor(decision: Decision): TaskPatch {
  if (decision.outcome === 'blocked') return { state: 'blocked', blocked_reason: decision.reason, substate: null };
  if (waitsForMerge(decision)) return { substate: 'mergeable' };
  if (!decision.transition) return { substate: null };
  if (decision.outcome === 'done') return { stage: decision.transition.to, state: 'done', substate: null };
  return { stage: decision.transition.to, substate: null };
}

/**
 * Apply `decision` to `task` (as read when the decision was made). Entering a stage archives its
 * old artifact. Throws IllegalTransitionError
 * before writing anything if the edge is not in STAGE_TRANSITIONS, and VersionConflictError
 * (everything rolled back) if another writer changed the task in between. `settle` (the performed
 * actions' writes owed with their record: the merge intent's deletion) runs in the same
 * transaction, right after the gate results.
 */
export async function applyDecision(deps: AdvanceDeps, task: Task, decision: Decision, jobId: number | null, settle: ((db: Db) => Promise<void>) | null = null): Promise<Applied> {
  const edge = decision.transition ? requireTransition(task.stage, decision.transition.to) : null;
  return writeTransaction(deps.store, async (trx) => {
    const at = nowIso();
    // The guarded update goes first: it takes SQLite's write lock before anything else is read.
    // A plain wait (no transition, job or alert) only records its gate results: it confirms the
    // version without bumping it, so it cannot undo the decision of a concurrent evaluator of the
    // task (the worker whose merge gate holds the lock while a sweep finds it busy).
    // A wait that turns the task mergeable (staged without --merge) is a write: it sets the substate.
    const becomesMergeable = waitsForMerge(decision) && task.substate !== 'mergeable';
    const noop = decision.outcome === 'deferred' && !edge && !decision.nextJob && !decision.alert && !becomesMergeable;
    const guarded = noop ? await confirmTaskVersion(trx, task.id, task.version) : await updateTaskGuarded(trx, task.id, task.version, patchFor(decision), at);
    if (!guarded) throw new VersionConflictError(task.id, task.version);
    const transition = edge ? await insertTransition(trx, { taskId: task.id, jobId, transition: edge, reason: decision.reason, at }) : null;
    // Entering a stage starts a new round: its old artifact goes to history/ while we hold the
    // write lock (if the commit then failed, the file is archived, not lost, and never stale).
    if (edge && transition) archiveStageArtifact(deps.config, task.id, edge.to, `t${transition.id}`);
    await insertGateResults(trx, {
      taskId: task.id,
      jobId,
      transitionId: transition?.id ?? null,
      from: decision.guarded.from,
      to: decision.guarded.to,
      results: decision.records,
      at,
    });
    if (settle) await settle(trx);
    if (edge || decision.outcome === 'blocked') await cancelWaitingJobs(trx, task.id, `task ${decision.outcome}: ${decision.reason}`);
    const job = decision.nextJob ? await insertJob(trx, jobInput(task.id, decision.nextJob, at)) : null;
    const alert = decision.alert ? await raiseAlert(trx, { taskId: task.id, ...decision.alert, at }) : null;
    return { version: noop ? task.version : task.version + 1, transitionId: transition?.id ?? null, jobId: job?.id ?? null, alertId: alert?.id ?? null };
  });
}
