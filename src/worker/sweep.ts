// Tasks left between a job and its gate: the worker that recorded the job's success died before
// advance(). When that worker (the job's `finishedBy`) ran on this machine and is dead, any worker
// resumes the task at once; otherwise once the job has been finished for `graceMs` (a live worker
// calls advance() right after recording the job: no need to race it). advance() is
// version-guarded anyway, so two sweeps (or a sweep and that worker) never both move a task.
import type { AdvanceDeps, AdvanceResult } from '../pipeline/advance.ts';
import { advance } from '../pipeline/advance.ts';
import { errorMessage } from '../errors.ts';
import { parseDetail } from '../util/json.ts';
import { isStage } from '../core/stages.ts';
import { latestJobForStage, stalledTaskIds } from '../store/repos/jobs.ts';
import { getTask } from '../store/repos/tasks.ts';
import { ownerIsDead, parseOwner } from '../proc/identity.ts';

export type SweepResult = { readonly taskId: number; readonly result: AdvanceResult } | { readonly taskId: number; readonly error: string };

/** Whether the worker that recorded the task's last job ran here and is gone. */
async function finisherDied(deps: AdvanceDeps, taskId: number): Promise<boolean> {
  const task = await getTask(deps.store.db, taskId);
  if (!isStage(task.stage)) return false;
  const job = await latestJobForStage(deps.store.db, taskId, task.stage);
  const by = job ? parseDetail(job.detail).finishedBy : undefined;
  const owner = typeof by === 'string' ? parseOwner(by) : null;
  return owner !== null && ownerIsDead(owner);
}

export async function sweepStalled(deps: AdvanceDeps, graceMs = 0): Promise<SweepResult[]> {
  const out: SweepResult[] = [];
  const settled = new Set(await stalledTaskIds(deps.store.db, new Date(Date.now() - graceMs).toISOString()));
  const ids = graceMs > 0 ? await stalledTaskIds(deps.store.db) : [...settled];
  for (const taskId of ids) {
    if (!settled.has(taskId) && !(await finisherDied(deps, taskId))) continue;
    try {
      out.push({ taskId, result: await advance(deps, taskId) });
    } catch (error) {
      out.push({ taskId, error: errorMessage(error) });
    }
  }
  return out;
}
