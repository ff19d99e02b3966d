// advance(task): evaluate the gate of the task's forward transition, perform what its checks
// decided on (the apply step: a merge, a checkout), decide, and apply the decision. The checks
// and their actions run outside any transaction (they do git and file IO); the writes then happen
// in one transaction guarded by the task's version, so two workers can never both move a task.
// Callers (the worker's finish handler) record the job's end BEFORE calling advance().
import type { Config } from '../config/keys.ts';
import { ERROR_CODES, IllegalTransitionError, OrchError, TaskStateError, VersionConflictError } from '../errors.ts';
import type { Store } from '../store/db.ts';
import type { Db } from '../store/tx.ts';
import type { GateResultInput } from '../core/check.ts';
import { latestJobForStage } from '../store/repos/jobs.ts';
import { getTask } from '../store/repos/tasks.ts';
import type { Task } from '../store/schema.ts';
import { applyDecision } from './apply.ts';
import { decide, type AdvanceOutcome, type Decision } from '../core/decide.ts';
import { evaluateGate, type GateEvaluation } from './gates/evaluate.ts';
import { applyGate } from './gates/apply.ts';
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

/** A task's gate, evaluated: its checks' answers and the actions they decided on, none performed. */
export interface Evaluation {
  readonly task: Task;
  /** Null: the stage's job is still pending (waitReason says which), and no check ran. */
  readonly gate: GateEvaluation | null;
  readonly waitReason: string;
  readonly lastJob: { readonly id: number; readonly attempt: number; readonly infraAttempts: number } | null;
}

/** Evaluate: read the task and run its gate's checks. No task record is written, no ref moves and nothing is checked out: the actions the checks decided on wait for conclude(). */
export async function evaluate(deps: AdvanceDeps, taskId: number, options: EvaluateOptions = {}): Promise<Evaluation> {
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
  const lastJobRow = await latestJobForStage(deps.store.db, task.id, from);
  const lastJob = lastJobRow ? { id: lastJobRow.id, attempt: lastJobRow.attempt, infraAttempts: lastJobRow.infra_attempts } : null;
  if (lastJobRow && PENDING_JOB_STATES.includes(lastJobRow.state)) {
    return { task, gate: null, waitReason: `job ${lastJobRow.id} (${lastJobRow.agent}) is ${lastJobRow.state}: the gate is evaluated once it has finished`, lastJob };
  }
  const ctx = { task, config: configForTask(deps.config, task), taskDir: taskDir(deps.config, task.id), repo: task.repo, store: deps.store };
  return { task, gate: await evaluateGate(ctx, from, forward.to), waitReason: '', lastJob };
}

export interface Concluded {
  readonly task: Task;
  readonly decision: Decision | null;
  readonly waitReason: string;
  readonly lastJobId: number | null;
  /** The performed actions' writes owed with the decision's record (applyDecision runs them in its transaction). */
  readonly settle: ((db: Db) => Promise<void>) | null;
}

/** Conclude an evaluation: perform what its checks decided on (applyGate), then decide. Null decision = the stage's job is still pending. */
export async function conclude(deps: AdvanceDeps, evaluation: Evaluation): Promise<Concluded> {
  const { task, gate, waitReason, lastJob } = evaluation;
  if (!gate) return { task, decision: null, waitReason, lastJobId: lastJob?.id ?? null, settle: null };
  const { outcomes, settle } = await applyGate(gate);
  const decision = decide({ taskId: task.id, from: task.stage as Stage, outcomes, lastJob, verdictReruns: deps.config.ORCH_VERDICT_RERUNS });
  return { task, decision, waitReason: '', lastJobId: lastJob?.id ?? null, settle };
}

/** Evaluate the task's gate and apply the decision; a lost race is the `conflict` outcome. */
export async function advance(deps: AdvanceDeps, taskId: number, options: EvaluateOptions = {}): Promise<AdvanceResult> {
  const { task, decision, waitReason, lastJobId, settle } = await conclude(deps, await evaluate(deps, taskId, options));
  const from = task.stage as Stage;
  const base = { taskId: task.id, from, gateResults: [] as GateResultInput[], jobId: null, alertId: null };
  if (!decision) return { ...base, outcome: 'deferred', to: from, reason: waitReason };
  try {
    const applied = await applyDecision(deps, task, decision, lastJobId, settle);
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
