// What the staging runner writes to the store, one transaction per run: the run appended to the
// job's detail (the facts GET /queue counts), and by outcome: the job deferred with not_before,
// the infra attempt counted, tasks.validated_sha, the one infra alert. The schema is unchanged.
import { z } from 'zod';
import type { Store } from '../store/db.ts';
import { raiseAlert } from '../store/repos/alerts.ts';
import type { Alert } from '../store/schema.ts';
import { nowIso } from '../store/time.ts';
import { writeTransaction } from '../store/tx.ts';

export const RUN_RESULTS = ['passed', 'failed', 'deferred', 'exhausted', 'fallback', 'cancelled'] as const;
export type RunResultKind = (typeof RUN_RESULTS)[number];

/** One run of the staging runner, as kept in `jobs.detail.stagingRunner.runs`. */
export const runRecordSchema = z.object({
  at: z.string(),
  result: z.enum(RUN_RESULTS),
  reason: z.string(),
  cause: z.string().nullable().default(null),
  exitCode: z.number().nullable().default(null),
  signal: z.string().nullable().default(null),
  durationMs: z.number().nullable().default(null),
  commit: z.string().nullable().default(null),
  command: z.array(z.string()).nullable().default(null),
  infraAttempt: z.number().nullable().default(null),
  notBefore: z.string().nullable().default(null),
  logPath: z.string().nullable().default(null),
  survivors: z.number().nullable().default(null),
});
export type RunRecord = z.input<typeof runRecordSchema>;

/** The job's detail JSON with `run` appended; whatever else it held is kept. */
export function appendRun(detail: string | null, run: RunRecord): string {
  let base: Record<string, unknown> = {};
  if (detail !== null) {
    try {
      const parsed: unknown = JSON.parse(detail);
      base = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { previousDetail: parsed };
    } catch {
      base = { previousDetail: detail };
    }
  }
  const section = (base.stagingRunner ?? {}) as { runs?: unknown };
  const runs = Array.isArray(section.runs) ? section.runs : [];
  return JSON.stringify({ ...base, stagingRunner: { ...section, runs: [...runs, run] } });
}

export interface RecordInput {
  readonly jobId: number;
  readonly taskId: number;
  readonly run: RunRecord;
  /** Defer the job: state `deferred` until `notBefore`, with this many infra attempts. */
  readonly defer?: { readonly notBefore: string; readonly infraAttempts: number };
  /** Count a tool error that failed closed. */
  readonly infraAttempts?: number;
  /** Set tasks.validated_sha (null clears a value from an earlier round). */
  readonly validatedSha?: string | null;
  readonly alert?: { readonly dedupeKey: string; readonly message: string; readonly detail: object };
}

export interface Recorded {
  /** False when the job had left queued/running (cancelled, reaped) before a deferral could be written. */
  readonly deferApplied: boolean;
  /** The alert raised, or null (none asked, or one with the same dedupe key exists). */
  readonly alert: Alert | null;
}

/** Write one run's facts in one transaction. */
export async function recordRun(store: Store, input: RecordInput): Promise<Recorded> {
  return writeTransaction(store, async (trx) => {
    const at = nowIso();
    const row = await trx.selectFrom('jobs').select('detail').where('id', '=', input.jobId).executeTakeFirstOrThrow();
    const detail = appendRun(row.detail, input.run);
    let deferApplied = false;
    if (input.defer) {
      const result = await trx
        .updateTable('jobs')
        .set({ detail, state: 'deferred', not_before: input.defer.notBefore, infra_attempts: input.defer.infraAttempts, outcome: 'deferred', lease_owner: null, lease_expires_at: null, pid: null })
        .where('id', '=', input.jobId)
        .where('state', 'in', ['queued', 'running'])
        .executeTakeFirst();
      deferApplied = result.numUpdatedRows === 1n;
      if (!deferApplied) await trx.updateTable('jobs').set({ detail }).where('id', '=', input.jobId).execute();
    } else {
      const infra = input.infraAttempts === undefined ? {} : { infra_attempts: input.infraAttempts };
      await trx.updateTable('jobs').set({ detail, ...infra }).where('id', '=', input.jobId).execute();
    }
    if (input.validatedSha !== undefined) {
      await trx.updateTable('tasks').set({ validated_sha: input.validatedSha, updated_at: at }).where('id', '=', input.taskId).execute();
    }
    const alert = input.alert ? await raiseAlert(trx, { taskId: input.taskId, kind: 'staging-infra-exhausted', ...input.alert, at }) : null;
    return { deferApplied, alert };
  });
}
