// `orch task retry`: an operator's answer to a blocked task (or a stage whose job ended without
// a way forward): unblock it, resolve its alerts and queue its stage's job afresh.
import { TaskStateError } from '../errors.ts';
import type { Store } from '../store/db.ts';
import { resolveAlertsForTask } from '../store/repos/alerts.ts';
import { insertJob, latestJobForStage } from '../store/repos/jobs.ts';
import { getTask, updateTaskGuarded } from '../store/repos/tasks.ts';
import type { Job, Task } from '../store/schema.ts';
import { writeTransaction } from '../store/tx.ts';
import { VersionConflictError } from '../errors.ts';
import { isStage, roleForStage } from '../core/stages.ts';
import { PENDING_JOB_STATES } from '../core/states.ts';

export async function retryTask(store: Store, taskId: number): Promise<{ task: Task; job: Job; unblocked: boolean }> {
  const task = await getTask(store.db, taskId);
  if (task.state === 'done') throw new TaskStateError(task.id, task.state, `task ${task.id} is done; there is nothing to retry`);
  const role = isStage(task.stage) ? roleForStage(task.stage) : undefined;
  if (!role) throw new TaskStateError(task.id, task.state, `task ${task.id} is on stage ${task.stage}, which runs no job`);
  const last = await latestJobForStage(store.db, task.id, role.stage);
  if (last && PENDING_JOB_STATES.includes(last.state)) {
    throw new TaskStateError(task.id, task.state, `task ${task.id} already has job ${last.id} (${last.agent}) ${last.state}; retry is for a blocked task or a stage whose job has ended`);
  }
  return writeTransaction(store, async (trx) => {
    if (!(await updateTaskGuarded(trx, task.id, task.version, { state: 'active', blocked_reason: null }))) throw new VersionConflictError(task.id, task.version);
    await resolveAlertsForTask(trx, task.id);
    const job = await insertJob(trx, { taskId: task.id, stage: role.stage, agent: role.role, detail: { retry: true, after: task.state, blockedReason: task.blocked_reason } });
    return { task: { ...task, state: 'active', blocked_reason: null, version: task.version + 1 }, job, unblocked: task.state === 'blocked' };
  });
}
