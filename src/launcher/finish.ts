// THE finish handler: the only writer of agent_runs and the only caller of advance() after a job.
// The LLM transport and the reserved agents end here identically. Everything about the run's end
// (job row, agent_runs row, alerts, the retry or the block) is ONE transaction that starts with
// the lease-guarded update of the job: a worker whose lease was taken writes nothing at all.
import type { Config } from '../config/keys.ts';
import { decideJobFailure } from '../core/job-failure.ts';
import { errorMessage } from '../errors.ts';
import { advance, type AdvanceResult } from '../pipeline/advance.ts';
import { isStage } from '../core/stages.ts';
import type { Store } from '../store/db.ts';
import { raiseAlert } from '../store/repos/alerts.ts';
import { failedStreak, insertJob } from '../store/repos/jobs.ts';
import { completeJob } from '../store/repos/job-queue.ts';
import { insertAgentRun } from '../store/repos/runs.ts';
import { getTask, setValidatedSha, updateTaskGuarded } from '../store/repos/tasks.ts';
import type { Job } from '../store/schema.ts';
import { nowIso } from '../store/time.ts';
import { writeTransaction, type Db } from '../store/tx.ts';
import { parseDetail } from '../util/json.ts';
import type { RunReport } from './types.ts';

export interface FinishDeps {
  readonly store: Store;
  readonly config: Config;
}

/** What a failed run led to: another run of the job, or the task blocked with one alert. */
export type FailurePlan = { readonly kind: 'retry'; readonly jobId: number; readonly failures: number } | { readonly kind: 'blocked'; readonly alertId: number | null; readonly failures: number } | { readonly kind: 'none'; readonly failures: number };

export type FinishOutcome =
  | { readonly kind: 'lease-lost' }
  | {
      readonly kind: 'recorded';
      readonly state: 'succeeded' | 'failed' | 'deferred';
      readonly runId: number;
      readonly failure: FailurePlan | null;
      readonly advance: AdvanceResult | null;
      /** advance() raised (it is never-raise here: the reaper's sweep evaluates the gate again). */
      readonly advanceError: string | null;
    };

/** The job's outcome column: `exit-0`, `exit-3`, `timeout`, `signaled`, `spawn-error`, ... */
export function outcomeWord(report: Pick<RunReport, 'status' | 'exitCode' | 'detail'>): string {
  const outcome = report.detail?.outcome;
  if (outcome === 'exited') return `exit-${report.exitCode ?? '?'}`;
  if (typeof outcome === 'string') return outcome;
  return report.status === 'ok' ? 'ok' : report.status;
}

/**
 * A run of `job` failed (already recorded as `failed`): write what decideJobFailure
 * (src/core/job-failure.ts) decides: the next run, or the task blocked with ONE alert.
 * The retry keeps the job's `attempt` (that counts verdict re-runs, see advance()). `count`
 * overrides the streak (the reaper counts the reaps of one job row).
 */
export async function planFailure(trx: Db, config: Pick<Config, 'ORCH_JOB_MAX_ATTEMPTS'>, job: Job, reason: string, at: string, count?: number): Promise<FailurePlan> {
  const failures = count ?? (await failedStreak(trx, job.task_id, job.stage));
  const task = await getTask(trx, job.task_id);
  const stage = isStage(job.stage) ? job.stage : null;
  const taskOnStage = task.state === 'active' && task.stage === job.stage && stage !== null;
  const decision = decideJobFailure({ taskId: task.id, taskOnStage, job, failures, maxAttempts: config.ORCH_JOB_MAX_ATTEMPTS, reason });
  if (decision.kind === 'none' || stage === null) return { kind: 'none', failures };
  if (decision.kind === 'retry') {
    const next = await insertJob(trx, { taskId: job.task_id, stage, agent: job.agent, attempt: job.attempt, detail: decision.detail, at });
    return { kind: 'retry', jobId: next.id, failures };
  }
  // We hold SQLite's write lock since the job update: the version read here cannot move.
  if (!(await updateTaskGuarded(trx, task.id, task.version, { state: 'blocked', blocked_reason: decision.reason }, at))) throw new Error(`task ${task.id} changed inside a write transaction`);
  const alert = await raiseAlert(trx, { taskId: task.id, ...decision.alert, at });
  return { kind: 'blocked', alertId: alert?.id ?? null, failures };
}

/** Record the end of a run of `job` held by `owner`, then let the gate judge a successful one. */
export async function finishRun(deps: FinishDeps, job: Job, owner: string, report: RunReport): Promise<FinishOutcome> {
  if (report.status === 'cancelled') throw new Error('finishRun: a cancelled run is released, not finished');
  const state = report.status === 'ok' ? 'succeeded' : report.status === 'deferred' ? 'deferred' : 'failed';
  const at = nowIso();
  const result = { agent: report.agent, transport: report.transport, reason: report.reason, ...report.detail };
  const recorded = await writeTransaction(deps.store, async (trx) => {
    // Read the detail inside the transaction, so nothing written on the job row while it ran is
    // lost. (Agents themselves write no rows: the staging runner carries its runs in `result`.)
    const current = await trx.selectFrom('jobs').select('detail').where('id', '=', job.id).executeTakeFirst();
    // finishedBy: the sweep tells a finisher that died before its gate (resume at once) from one
    // still evaluating it (leave it alone).
    const detail = { ...parseDetail(current?.detail ?? job.detail), result, finishedBy: owner };
    const infraAttempts = report.infraError === true ? job.infra_attempts + 1 : undefined;
    // The guarded job update tells us whether the lease is gone: then nothing else is written.
    if (!(await completeJob(trx, job.id, owner, { state, outcome: outcomeWord(report), detail, notBefore: report.notBefore ?? null, infraAttempts, at }))) return null;
    const run = await insertAgentRun(trx, {
      job_id: job.id,
      task_id: job.task_id,
      role: report.agent,
      transport: report.transport,
      started_at: report.startedAt,
      finished_at: report.finishedAt,
      duration_ms: report.durationMs,
      exit_code: report.exitCode,
      tokens_in: report.usage?.tokensIn ?? null,
      tokens_out: report.usage?.tokensOut ?? null,
      cost_usd: report.usage?.costUsd ?? null,
      model: report.usage?.model ?? null,
    });
    for (const alert of report.alerts ?? []) await raiseAlert(trx, { taskId: job.task_id, ...alert, at });
    // null clears a value from an earlier round (a FAILED run after a PASSED one).
    if (report.validatedSha !== undefined) await setValidatedSha(trx, job.task_id, report.validatedSha, at);
    const failure = state === 'failed' ? await planFailure(trx, deps.config, job, report.reason, at) : null;
    return { runId: run.id, failure };
  });
  if (recorded === null) return { kind: 'lease-lost' };
  let advanced: AdvanceResult | null = null;
  let advanceError: string | null = null;
  if (state === 'succeeded') {
    try {
      advanced = await advance(deps, job.task_id);
    } catch (error) {
      advanceError = errorMessage(error);
    }
  }
  return { kind: 'recorded', state, runId: recorded.runId, failure: recorded.failure, advance: advanced, advanceError };
}

/**
 * Fail a job whose run produced no report (the worker itself failed, or the reaper gave up on it):
 * no agent_runs row, since no agent run ended; the failure policy applies as for any failed run.
 */
export async function failWithoutRun(
  deps: FinishDeps,
  job: Job,
  owner: string,
  failure: { reason: string; outcome: string; detail?: Record<string, unknown>; count?: number },
): Promise<FailurePlan | null> {
  return writeTransaction(deps.store, async (trx) => {
    const at = nowIso();
    const detail = { ...parseDetail(job.detail), ...failure.detail, result: { reason: failure.reason } };
    if (!(await completeJob(trx, job.id, owner, { state: 'failed', outcome: failure.outcome, detail, at }))) return null;
    return planFailure(trx, deps.config, job, failure.reason, at, failure.count);
  });
}

/**
 * Block the task on a job that never ran (the transport refused to spawn: its LLM budget): the job
 * ends failed without an agent_runs row, the task is blocked with `reason` and ONE alert, in one
 * transaction. No retry: only an operator (a higher budget, then `orch task retry`) moves it on.
 */
export async function blockWithoutRun(
  deps: FinishDeps,
  job: Job,
  owner: string,
  block: { reason: string; outcome: string; detail?: Record<string, unknown>; alert: { kind: string; dedupeKey: string; message: string; detail?: object } },
): Promise<FailurePlan | null> {
  return writeTransaction(deps.store, async (trx) => {
    const at = nowIso();
    const detail = { ...parseDetail(job.detail), result: { reason: block.reason, ...block.detail } };
    if (!(await completeJob(trx, job.id, owner, { state: 'failed', outcome: block.outcome, detail, at }))) return null;
    const task = await getTask(trx, job.task_id);
    if (task.state !== 'active' || task.stage !== job.stage) return { kind: 'none', failures: 0 };
    if (!(await updateTaskGuarded(trx, task.id, task.version, { state: 'blocked', blocked_reason: block.reason }, at))) throw new Error(`task ${task.id} changed inside a write transaction`);
    const alert = await raiseAlert(trx, { taskId: task.id, ...block.alert, at });
    return { kind: 'blocked', alertId: alert?.id ?? null, failures: 0 };
  });
}
