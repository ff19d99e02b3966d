// The merge gate's options, normalised once from config into a frozen object (STYLE §3): the
// five kill-switches, the re-test budget, the infra retry policy and where logs go.
import { join } from 'node:path';
import type { Config } from '../config/keys.ts';
import type { InfraRetryPolicy } from '../core/check.ts';
import { taskDir } from '../config/task-paths.ts';
import { procOptionsFromConfig } from '../proc/index.ts';

export interface MergeGateOptions {
  /** Move the base on a pass; false stops at "mergeable" (`orch stage` without --merge). @default true */
  readonly merge?: boolean;
}

/** The kill-switches of ORCH-110; each off gives back the behaviour from before the gate (SPEC §7). */
export interface MergeSwitches {
  readonly treeKill: boolean;
  readonly classify: boolean;
  readonly infraRetry: boolean;
  readonly skipWhenCurrent: boolean;
  readonly metrics: boolean;
}

export interface ResolvedMergeGateOptions {
  readonly merge: boolean;
  readonly switches: MergeSwitches;
  readonly timeoutMs: number;
  readonly graceMs: number;
  readonly retry: InfraRetryPolicy;
  readonly lockPatterns: readonly string[];
  /** null: merge locally only. */
  readonly pushRemote: string | null;
  /** How long a lock outlives a holder that never releases it: the longest gate run, plus slack. */
  readonly lockTtlMs: number;
  /** How long the gate waits for a busy lock (ORCH_MERGE_LOCK_WAIT_S) before giving up this round. */
  readonly lockWaitMs: number;
  /** `$ORCH_HOME/tasks/<id>/merge-gate`: re-test logs. */
  readonly logDir: string;
}

/** Slack on top of the re-test budget for the git work a gate does around it. */
export const LOCK_SLACK_MS = 10 * 60 * 1000;

export function switchesFromConfig(config: Config): MergeSwitches {
  return Object.freeze({
    treeKill: config.ORCH_SUBPROCESS_TREE_KILL_ENABLED,
    classify: config.ORCH_MERGE_CLASSIFY_ENABLED,
    infraRetry: config.ORCH_MERGE_INFRA_RETRY_ENABLED,
    skipWhenCurrent: config.ORCH_MERGE_RETEST_SKIP_WHEN_CURRENT,
    metrics: config.ORCH_MERGE_METRICS_ENABLED,
  });
}

/** The infra retry policy shared by the merge and coverage gates. */
export function infraRetryPolicy(config: Config): InfraRetryPolicy {
  return Object.freeze({ retries: config.ORCH_MERGE_INFRA_RETRIES, backoffMs: Math.round(config.ORCH_MERGE_RETRY_BACKOFF_S * 1000) });
}

/** Config keys were validated at startup (loadConfig); this derives, it does not re-check. */
export function resolveMergeGateOptions(config: Config, taskId: number, options: MergeGateOptions = {}): ResolvedMergeGateOptions {
  const proc = procOptionsFromConfig(config);
  const timeoutMs = Math.round(config.ORCH_MERGE_RETEST_TIMEOUT_S * 1000);
  return Object.freeze({
    merge: options.merge ?? true,
    switches: switchesFromConfig(config),
    timeoutMs,
    graceMs: proc.graceMs,
    retry: infraRetryPolicy(config),
    lockPatterns: config.ORCH_MERGE_LOCK_PATTERNS,
    pushRemote: config.ORCH_PUSH_REMOTE === '' ? null : config.ORCH_PUSH_REMOTE,
    lockTtlMs: timeoutMs + proc.graceMs + LOCK_SLACK_MS,
    lockWaitMs: Math.round(config.ORCH_MERGE_LOCK_WAIT_S * 1000),
    logDir: join(taskDir(config, taskId), 'merge-gate'),
  });
}
