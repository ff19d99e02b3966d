// advance(task): evaluate the gate of the task's forward transition and apply the decision.
// The checks run outside any transaction (they do git and file IO); the writes then happen in
// one transaction guarded by the task's version, so two workers can never both move a task.
// Callers (the worker's finish handler) record the job's end BEFORE calling advance().
import type { Config } from '../config/keys.ts';
import { ERROR_CODES, IllegalTransitionError, OrchError, TaskStateError, VersionConflictError } from '../errors.ts';
import type { Store } from '../store/db.ts';
import type { GateResultInput } from '../core/check.ts';
import { latestJobForStage } from '../store/repos/jobs.ts';
import { getTask } from '../store/repos/tasks.ts';
import type { Task } from '../store/schema.ts';
import { applyDecision } from './apply.ts';
import { decide, type AdvanceOutcome, type Decision } from '../core/decide.ts';
import { evaluateGate } from './gates/evaluate.ts';
import { taskDir } from '../config/task-paths.ts';
import { isStage, type Stage } from '../core/stages.ts';
import { PENDING_JOB_STATES } from '../core/states.ts';
import { forwardEdge } from '../core/transitions.ts';
import { configForTask } from './task-config.ts';

export interface AdvanceDeps {
  readonly store: Store;
  readonly config: Config;
}

export interface AdvanceResult {
  readonly taskId: number;
  readonly outcome: AdvanceOutcome;
  readonly from: Stage;
  /** The stage the task is on afterwards (unchanged unless it advanced or rolled back). */
  readonly to: Stage;
  readonly reason: string;
  readonly gateResults: readonly GateResultInput[];
  /** The job enqueued (next stage, rollback or re-run), if any. */
  readonly jobId: number | null;
  readonly alertId: number | null;
}

export interface EvaluateOptions {
  /** An explicit merge was asked for (`orch stage --merge`, `orch task merge`): a mergeable task may advance. */
  readonly merge?: boolean;
}

/** Evaluate: everything up to the decision, writing no task records (a check may act outside them: the merge gate moves git refs). Null decision = the stage's job is still pending. */
export async function evaluate(deps: AdvanceDeps, taskId: number, options: EvaluateOptions = {}): Promise<{ task: Task; decision: Decision | null; waitReason: string; lastJobId: number | null }> {
  const task = await getTask(deps.store.db, taskId);
  if (task.state !== 'active') {
    const hint = task.state === 'blocked' ? ` (${task.blocked_reason ?? 'no reason recorded'}); \`orch task retry ${task.id}\` unblocks it` : '; nothing is left to advance';
    throw new TaskStateError(task.id, task.state, `task ${task.id} is ${task.state}, only an active task can advance${hint}`);
  }
  if (task.substate === 'mergeable' && !options.merge) {
    throw new TaskStateError(task.id, 'mergeable', `task ${task.id} is mergeable and waits for an explicit merge: \`orch stage --merge\` on its branch or \`orch task merge ${task.id}\``);
  }
  const from = task.stage;
  if (!isStage(from)) throw new OrchError(ERROR_CODES.UNKNOWN_STAGE, `task ${task.id} is on unknown stage ${JSON.stringify(from)}`);
  const forward = forwardEdge(from);
  if (!forward) throw new IllegalTransitionError(from, '(none)');
  const lastJob = await latestJobForStage(deps.store.db, task.id, from);
  if (lastJob && PENDING_JOB_STATES.includes(lastJob.state)) {
    return { task, decision: null, waitReason: `job ${lastJob.id} (${lastJob.agent}) is ${lastJob.state}: the gate is evaluated once it has finished`, lastJobId: lastJob.id };
  }
  const ctx = { task, config: configForTask(deps.config, task), taskDir: taskDir(deps.config, task.id), repo: task.repo, store: deps.store };
  const outcomes = await evaluateGate(ctx, from, forward.to);
  const decision = decide({
    taskId: task.id,
    from,
    outcomes,
    lastJob: lastJob ? { id: lastJob.id, attempt: lastJob.attempt, infraAttempts: lastJob.infra_attempts } : null,
    verdictReruns: deps.config.ORCH_VERDICT_RERUNS,
  });
  return { task, decision, waitReason: '', lastJobId: lastJob?.id ?? null };
}

/** Evaluate the task's gate and apply the decision; a lost race is the `conflict` outcome. */
export async function advance(deps: AdvanceDeps, taskId: number, options: EvaluateOptions = {}): Promise<AdvanceResult> {
  const { task, decision, waitReason, lastJobId } = await evaluate(deps, taskId, options);
  const from = task.stage as Stage;
  const base = { taskId: task.id, from, gateResults: [] as GateResultInput[], jobId: null, alertId: null };
  if (!decision) return { ...base, outcome: 'deferred', to: from, reason: waitReason };
  try {
    const applied = await applyDecision(deps, task, decision, lastJobId);
    return {
      ...base,
      outcome: decision.outcome,
      to: decision.transition?.to ?? from,
      reason: decision.reason,
      gateResults: decision.records,
      jobId: applied.jobId,
      alertId: applied.alertId,
    };
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
    return { ...base, outcome: 'conflict', to: from, reason: error.message, gateResults: decision.records };
  }
}
