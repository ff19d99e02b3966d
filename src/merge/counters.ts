// The merge_gate block of GET /queue, derived from the store (gate_results rows of
// check_branch_mergeable and the detail each attempt recorded), so every process shows the same
// figures and they survive restarts. ORCH_MERGE_METRICS_ENABLED=false: no counters.
import type { Config } from '../config/keys.ts';
import type { Store } from '../store/db.ts';
import { parseJsonObject } from '../util/json.ts';
import { MERGE_CHECK_ID } from './check.ts';
import { switchesFromConfig, type MergeSwitches } from './options.ts';

export const MERGE_COUNTERS = ['retests', 'skipped', 'passed', 'red', 'timeout', 'lock_busy', 'other', 'infra_retries', 'exhausted', 'merged', 'rollbacks', 'lock_waits', 'lock_wait_ms', 'locks_broken'] as const;
export type MergeCounters = Record<(typeof MERGE_COUNTERS)[number], number>;

export interface MergeGateBlock {
  readonly switches: MergeSwitches;
  readonly retest_timeout_s: number;
  readonly infra_retries: number;
  readonly retry_backoff_s: number;
  readonly push_remote: string | null;
  readonly counters: MergeCounters | null;
}

export interface AttemptRow {
  readonly verdict: string;
  readonly detail: string | null;
  readonly transition_id: number | null;
}

/** Count recorded attempts (pure). */
export function countMergeAttempts(rows: readonly AttemptRow[]): MergeCounters {
  const c: MergeCounters = Object.fromEntries(MERGE_COUNTERS.map((k) => [k, 0])) as MergeCounters;
  for (const row of rows) {
    const d = parseJsonObject(row.detail) ?? {};
    if (d.retest !== null && d.retest !== undefined) c.retests++;
    if (d.skippedRetest === true) c.skipped++;
    if (row.verdict === 'pass') c.passed++;
    if (d.classification === 'red') c.red++;
    if (d.classification === 'timeout') c.timeout++;
    if (d.classification === 'lock-busy') c.lock_busy++;
    if (d.classification === 'other') c.other++;
    if (d.infraRetry !== undefined) c.infra_retries++;
    if (d.infraExhausted !== undefined) c.exhausted++;
    if (d.merged === true) c.merged++;
    if (row.verdict === 'fail' && row.transition_id !== null) c.rollbacks++;
    const wait = d.lockWait as { waits?: unknown; ms?: unknown } | null | undefined;
    if (wait && typeof wait.ms === 'number') {
      c.lock_waits++;
      c.lock_wait_ms += wait.ms;
    }
    if (d.lockBroken !== null && d.lockBroken !== undefined) c.locks_broken++;
  }
  return c;
}

export async function mergeGateBlock(store: Store, config: Config): Promise<MergeGateBlock> {
  const switches = switchesFromConfig(config);
  let counters: MergeCounters | null = null;
  if (switches.metrics) {
    const rows = await store.db.selectFrom('gate_results').select(['verdict', 'detail', 'transition_id']).where('check_id', '=', MERGE_CHECK_ID).execute();
    counters = countMergeAttempts(rows);
  }
  return {
    switches,
    retest_timeout_s: config.ORCH_MERGE_RETEST_TIMEOUT_S,
    infra_retries: config.ORCH_MERGE_INFRA_RETRIES,
    retry_backoff_s: config.ORCH_MERGE_RETRY_BACKOFF_S,
    push_remote: config.ORCH_PUSH_REMOTE === '' ? null : config.ORCH_PUSH_REMOTE,
    counters,
  };
}
