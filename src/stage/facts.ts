// Reading back what a staging run and a gate evaluation recorded, for the report: the report is
// built from the store (as GET /queue is), never from in-memory guesses.
import { recordedRuns, runRecordSchema } from '../staging/record.ts';
import type { GateResultRow, Job } from '../store/schema.ts';
import type { Db } from '../store/tx.ts';
import { parseJsonObject } from '../util/json.ts';
import type { GateFacts, RunFacts } from './report.ts';

/** The last run the staging runner recorded on `job`, or null (it did not run). */
export function lastStagingRun(job: Pick<Job, 'detail'>): RunFacts | null {
  const runs = recordedRuns(job.detail);
  if (runs.length === 0) return null;
  const parsed = runRecordSchema.safeParse(runs[runs.length - 1]);
  if (!parsed.success) return null;
  const r = parsed.data;
  return { result: r.result, reason: r.reason, cause: r.cause, exitCode: r.exitCode, durationMs: r.durationMs, infraAttempt: r.infraAttempt, notBefore: r.notBefore, line: r.line, logPath: r.logPath, stderrLogPath: r.stderrLogPath };
}

export async function readJob(db: Db, id: number): Promise<Job> {
  return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** The newest result of `checkId` for the task recorded after `afterId` (this run's), or null. */
export async function gateResultSince(db: Db, taskId: number, checkId: string, afterId: number): Promise<GateFacts | null> {
  const row: GateResultRow | undefined = await db
    .selectFrom('gate_results')
    .selectAll()
    .where('task_id', '=', taskId)
    .where('check_id', '=', checkId)
    .where('id', '>', afterId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { verdict: row.verdict, reason: row.reason, detail: parseJsonObject(row.detail) ?? {} } : null;
}

export async function lastGateResultId(db: Db): Promise<number> {
  const row = await db.selectFrom('gate_results').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  return Number(row?.id ?? 0);
}
