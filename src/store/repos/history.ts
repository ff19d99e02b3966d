// The task's record: transitions and gate results are written once and never changed.
import type { GateResultInput } from '../../core/check.ts';
import type { Transition } from '../../core/transitions.ts';
import type { GateResultRow, TransitionRow } from '../schema.ts';
import { nowIso } from '../time.ts';
import type { Db } from '../tx.ts';

export async function insertTransition(
  db: Db,
  input: { taskId: number; jobId: number | null; transition: Transition; reason: string | null; at?: string },
): Promise<TransitionRow> {
  return db
    .insertInto('transitions')
    .values({
      task_id: input.taskId,
      job_id: input.jobId,
      from_stage: input.transition.from,
      to_stage: input.transition.to,
      kind: input.transition.kind,
      reason: input.reason,
      created_at: input.at ?? nowIso(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}


/** Record the checks of one gate evaluation, in the order they ran. */
export async function insertGateResults(
  db: Db,
  input: { taskId: number; jobId: number | null; transitionId: number | null; from: string; to: string; results: readonly GateResultInput[]; at?: string },
): Promise<GateResultRow[]> {
  if (input.results.length === 0) return [];
  const at = input.at ?? nowIso();
  return db
    .insertInto('gate_results')
    .values(
      input.results.map((r) => ({
        task_id: input.taskId,
        job_id: input.jobId,
        transition_id: input.transitionId,
        from_stage: input.from,
        to_stage: input.to,
        check_id: r.checkId,
        verdict: r.verdict,
        reason: r.reason,
        detail: r.detail === undefined ? null : JSON.stringify(r.detail),
        created_at: at,
      })),
    )
    .returningAll()
    .execute();
}

export async function transitionsForTask(db: Db, taskId: number): Promise<TransitionRow[]> {
  return db.selectFrom('transitions').selectAll().where('task_id', '=', taskId).orderBy('id').execute();
}

export async function gateResultsForTask(db: Db, taskId: number): Promise<GateResultRow[]> {
  return db.selectFrom('gate_results').selectAll().where('task_id', '=', taskId).orderBy('id').execute();
}
