// Task and job states (SPEC §4): explicit `as const` objects plus unions, stored as text.

/** A task is worked on (`active`), waits for an operator (`blocked`), or has reached `done`. */
export const TASK_STATES = Object.freeze({ active: 'active', blocked: 'blocked', done: 'done' } as const);
export type TaskState = (typeof TASK_STATES)[keyof typeof TASK_STATES];

/** queued -> running -> succeeded | failed | deferred (-> queued at not_before) | cancelled. */
export const JOB_STATES = Object.freeze({
  queued: 'queued',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  deferred: 'deferred',
  cancelled: 'cancelled',
} as const);
export type JobState = (typeof JOB_STATES)[keyof typeof JOB_STATES];

/** Jobs that will still run (or are running): a task with one of these needs no new job. */
export const PENDING_JOB_STATES: readonly JobState[] = Object.freeze(['queued', 'running', 'deferred'] as const);

export function isTaskState(value: string): value is TaskState {
  return Object.values(TASK_STATES).includes(value as TaskState);
}
