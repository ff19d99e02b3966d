// What the staging runner leaves in the store. It writes nothing itself: the finish handler is the
// only writer after a job. Each run is one entry in `stagingRunner.runs` of the run's result
// detail (jobs.detail.result); a re-run of the same job (after a deferral) carries the earlier
// entries forward, since the finish handler replaces `result` on each finish. GET /queue counts them.
import { z } from 'zod';
import { parseDetail } from '../util/json.ts';

export const RUN_RESULTS = ['passed', 'failed', 'deferred', 'exhausted', 'fallback'] as const;
export type RunResultKind = (typeof RUN_RESULTS)[number];

/** One run of the staging runner, as kept in `jobs.detail.result.stagingRunner.runs`. */
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
  stderrLogPath: z.string().nullable().default(null),
  /** The one line that says why (a missing program from the output, the install's error line). */
  line: z.string().nullable().default(null),
  /** What the dependency step did (src/staging/deps.ts). */
  deps: z.string().nullable().default(null),
  survivors: z.number().nullable().default(null),
});
export type RunRecord = z.input<typeof runRecordSchema>;

/** The runs recorded in a job's detail JSON (its last finish), whatever their shape; [] when none. `key`: the runner's (SuiteProfile.detailKey). */
export function recordedRuns(jobDetail: string | null, key = 'stagingRunner'): unknown[] {
  const result = parseDetail(jobDetail).result as Record<string, { runs?: unknown } | undefined> | undefined;
  const runs = result?.[key]?.runs;
  return Array.isArray(runs) ? runs : [];
}

/** The `stagingRunner` (or `key`) part of a run's result detail: the job's earlier runs and this one. */
export function runsDetail(jobDetail: string | null, run: RunRecord, key = 'stagingRunner'): Record<string, { runs: unknown[] }> {
  return { [key]: { runs: [...recordedRuns(jobDetail, key), run] } };
}

/** What a run asks the finish handler to record besides its run entry. */
export interface RecordInput {
  readonly run: RunRecord;
  /** Set tasks.validated_sha (null clears a value from an earlier round). */
  readonly validatedSha?: string | null;
  /** A tool error: deferred, or failed closed on the spent budget (the job's infra_attempts goes up). */
  readonly infraError?: boolean;
  readonly alert?: { readonly dedupeKey: string; readonly message: string; readonly detail: object };
}

export const INFRA_ALERT_KIND = 'staging-infra-exhausted';
