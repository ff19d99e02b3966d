// Tasks left between a job and its gate: the worker that recorded the job's success died before
// advance(). Any worker resumes them once the job has been finished for `graceMs` (a live worker
// calls advance() right after recording the job: no need to race it); advance() is
// version-guarded anyway, so two sweeps (or a sweep and that worker) never both move a task.
import type { AdvanceDeps, AdvanceResult } from '../pipeline/advance.ts';
import { advance } from '../pipeline/advance.ts';
import { errorMessage } from '../errors.ts';
import { stalledTaskIds } from '../store/repos/jobs.ts';

export type SweepResult = { readonly taskId: number; readonly result: AdvanceResult } | { readonly taskId: number; readonly error: string };

export async function sweepStalled(deps: AdvanceDeps, graceMs = 0): Promise<SweepResult[]> {
  const out: SweepResult[] = [];
  for (const taskId of await stalledTaskIds(deps.store.db, new Date(Date.now() - graceMs).toISOString())) {
    try {
      out.push({ taskId, result: await advance(deps, taskId) });
    } catch (error) {
      out.push({ taskId, error: errorMessage(error) });
    }
  }
  return out;
}
