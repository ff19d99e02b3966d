// GET /queue's staging_runner block, derived from the store (every process sees the same figures
// and they survive restarts): each run of the runner is one entry in its job's result detail,
// written by the finish handler (a fallback's entry rides along with the LLM deployer's run). The
// database counts them, skipping an entry that runRecordSchema would refuse (the check is built
// from the schema's JSON Schema, so the two cannot drift apart).
import { z } from 'zod';
import type { Config } from '../config/keys.ts';
import type { Db } from '../store/tx.ts';
import { recordCounts, type Dialect, type FlatObjectSchema } from '../store/repos/queue-counts.ts';
import { maskSecrets } from '../secrets/mask.ts';
import { STAGING_PROFILE, type SuiteProfile } from './profile.ts';
import { runRecordSchema } from './record.ts';

export interface StagingCounters {
  /** Runs that reached an outcome: passed + failed + tool_errors + fallbacks. */
  readonly runs: number;
  readonly passed: number;
  /** The suite ran and failed: a code fault (rollback). */
  readonly failed: number;
  /** The suite could not run or finish: deferred + exhausted. */
  readonly tool_errors: number;
  readonly deferred: number;
  /** Tool errors that spent the infra budget and failed closed. */
  readonly exhausted: number;
  /** Internal errors of the runner that handed the job to the LLM deployer. */
  readonly fallbacks: number;
}

/** What a run record must be to count, from the zod schema itself. */
let recordSchema: FlatObjectSchema | undefined;
function runRecordJsonSchema(): FlatObjectSchema {
  recordSchema ??= z.toJSONSchema(runRecordSchema, { io: 'input' }) as FlatObjectSchema;
  return recordSchema;
}

/** The store to count in: a database (or a transaction) and its engine. */
export interface CountingStore {
  readonly db: Db;
  readonly dialect: Dialect;
}

/** Count the runs recorded in deploy-staging jobs (or the profile's stage). Entries that do not parse are skipped, not fatal. */
export async function stagingCounters(store: CountingStore, profile: SuiteProfile = STAGING_PROFILE): Promise<StagingCounters> {
  const rows = await recordCounts(store.db, store.dialect, { stage: profile.stage, key: profile.detailKey, schema: runRecordJsonSchema(), countBy: 'result' });
  const n = { passed: 0, failed: 0, deferred: 0, exhausted: 0, fallbacks: 0 };
  for (const row of rows) {
    if (row.key === 'fallback') n.fallbacks += row.n;
    else if (row.key in n) n[row.key as 'passed' | 'failed' | 'deferred' | 'exhausted'] += row.n;
  }
  const toolErrors = n.deferred + n.exhausted;
  return Object.freeze({
    runs: n.passed + n.failed + toolErrors + n.fallbacks,
    passed: n.passed,
    failed: n.failed,
    tool_errors: toolErrors,
    deferred: n.deferred,
    exhausted: n.exhausted,
    fallbacks: n.fallbacks,
  });
}

/** The whole `staging_runner` block of GET /queue: the settings in force and the counters. */
export async function stagingRunnerStatus(config: Config, store: CountingStore) {
  return {
    enabled: config.ORCH_STAGING_RUNNER_ENABLED,
    repos: [...config.ORCH_STAGING_RUNNER_REPOS],
    suite_cmd: config.ORCH_STAGING_SUITE_CMD === '' ? null : maskSecrets(config.ORCH_STAGING_SUITE_CMD),
    timeout_s: config.ORCH_STAGING_RUNNER_TIMEOUT_S,
    infra_retries: config.ORCH_STAGING_RUNNER_INFRA_RETRIES,
    retry_backoff_s: config.ORCH_STAGING_RUNNER_RETRY_BACKOFF_S,
    ...(await stagingCounters(store)),
  };
}
