// The merge_gate block of GET /queue, derived from the store (gate_results rows of
// check_branch_mergeable and the detail each attempt recorded, counted by the database), so every
// process shows the same figures and they survive restarts. ORCH_MERGE_METRICS_ENABLED=false: no counters.
import type { Config } from '../config/keys.ts';
import type { Store } from '../store/db.ts';
import { MERGE_COUNTER_KEYS, mergeAttemptCounts, type MergeCounterKey } from '../store/repos/queue-counts.ts';
import { MERGE_CHECK_ID } from './check.ts';
import { switchesFromConfig, type MergeSwitches } from './options.ts';

/** The counters, in the order GET /queue lists them (each computed in SQL: src/store/repos/queue-counts.ts). */
export const MERGE_COUNTERS = MERGE_COUNTER_KEYS;
export type MergeCounters = Record<MergeCounterKey, number>;

export interface MergeGateBlock {
  readonly switches: MergeSwitches;
  readonly retest_timeout_s: number;
  readonly infra_retries: number;
  readonly retry_backoff_s: number;
  readonly push_remote: string | null;
  readonly counters: MergeCounters | null;
}

export async function mergeGateBlock(store: Store, config: Config): Promise<MergeGateBlock> {
  const switches = switchesFromConfig(config);
  let counters: MergeCounters | null = null;
  if (switches.metrics) {
    counters = await mergeAttemptCounts(store.db, store.dialect, MERGE_CHECK_ID);
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
