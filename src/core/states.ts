// Task and job states (SPEC §4): explicit `as const` objects plus unions, stored as text.

/** A task is worked on (`active`), waits for an operator (`blocked`), or has reached `done`. */
export const TASK_STATES = Object.freeze({ active: 'active', blocked: 'blocked', done: 'done' } as const);
export type TaskState = (typeof TASK_STATES)[keyof typeof TASK_STATES];

/**
 * A finer state (tasks.substate): `mergeable` is an active task staged without --merge that no
 * worker, sweep or `advance` moves until `orch stage --merge` or `orch task merge`; `cancelled`
 * is a done task an operator ended (`orch task cancel`). Shown in place of the state.
 */
export const TASK_SUBSTATES = Object.freeze({ mergeable: 'mergeable', cancelled: 'cancelled' } as const);
export type TaskSubstate = (typeof TASK_SUBSTATES)[keyof typeof TASK_SUBSTATES];

/** What people see: the substate when there is one, else the state. */
export function shownState(task: { state: string; substate?: string | null }): string {
  return task.substate ?? task.state;
}

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
