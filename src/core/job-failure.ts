// Retry or block after a failed run of a job (pure): while the stage has failed fewer than
// ORCH_JOB_MAX_ATTEMPTS times in a row the job runs again; then the task is blocked with ONE alert
// until an operator runs `orch task retry`. src/launcher/finish.ts reads the facts and writes the
// decision in the transaction that recorded the failure.

export interface JobFailureFacts {
  readonly taskId: number;
  /** The task is still active on the failed job's stage (otherwise nothing is decided here). */
  readonly taskOnStage: boolean;
  readonly job: { readonly id: number; readonly stage: string; readonly agent: string };
  /** Failed runs of the stage in a row, this one included (the reaper counts one job's reaps). */
  readonly failures: number;
  /** ORCH_JOB_MAX_ATTEMPTS. */
  readonly maxAttempts: number;
  /** Why this run failed. */
  readonly reason: string;
}

export type JobFailureDecision =
  | { readonly kind: 'none' }
  /** Queue the job again (same agent, same verdict attempt) with this detail. */
  | { readonly kind: 'retry'; readonly detail: { readonly retryOf: number; readonly failures: number; readonly lastFailure: string } }
  /** Block the task with `reason` and raise `alert` (deduplicated by its key). */
  | {
      readonly kind: 'block';
      readonly reason: string;
      readonly alert: { readonly kind: 'job-failed'; readonly dedupeKey: string; readonly message: string; readonly detail: { readonly jobId: number; readonly failures: number } };
    };

export function decideJobFailure(f: JobFailureFacts): JobFailureDecision {
  if (!f.taskOnStage) return { kind: 'none' };
  if (f.failures < f.maxAttempts) return { kind: 'retry', detail: { retryOf: f.job.id, failures: f.failures, lastFailure: f.reason } };
  const reason = `job ${f.job.id} (${f.job.agent}) failed ${f.failures} time(s) (ORCH_JOB_MAX_ATTEMPTS=${f.maxAttempts}): ${f.reason}`;
  return {
    kind: 'block',
    reason,
    alert: {
      kind: 'job-failed',
      dedupeKey: `job-failed:task-${f.taskId}:${f.job.stage}:job-${f.job.id}`,
      message: `task ${f.taskId} blocked on ${f.job.stage}: ${reason}; \`orch task retry ${f.taskId}\` re-queues it`,
      detail: { jobId: f.job.id, failures: f.failures },
    },
  };
}
