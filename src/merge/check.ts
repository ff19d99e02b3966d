// check_branch_mergeable (deploy-staging -> deploy): the merge gate as a QG check. Registered after
// check_staging_status, so it only runs on a PASSED staging verdict. Its evaluation rebases and
// re-tests under the merge lock and moves no ref; a pass with --merge answers with the planned
// merge, which the gate's apply step performs (src/pipeline/gates/apply.ts).
import { DEFER_CAUSES, type CheckResult } from '../core/check.ts';
import type { MergeAttempt } from '../core/merge-attempt.ts';
import type { GateAction, GateContext } from '../pipeline/gates/types.ts';
import { evaluateMergeGate } from './gate.ts';
import { infraRetryPolicy, switchesFromConfig, type MergeGateOptions } from './options.ts';
import { routeAttempt } from '../core/merge-route.ts';
import { mergeGateOptionsInScope } from './scope.ts';

export const MERGE_CHECK_ID = 'check_branch_mergeable';

/** Why a mergeable branch did not advance: the caller asked not to move the base. */
export const NOT_MERGED_CAUSE = DEFER_CAUSES.mergeNotRequested;

function answer(ctx: GateContext, options: MergeGateOptions, attempt: MergeAttempt): CheckResult {
  const result = routeAttempt(attempt, switchesFromConfig(ctx.config), infraRetryPolicy(ctx.config));
  // Mergeable but not merged: the task must not reach deploy with its base unmoved. It stays on
  // deploy-staging as `mergeable` (a plain defer, no re-queue): no worker, sweep or `orch advance`
  // moves it; only `orch stage --merge` or `orch task merge` do.
  // A merge recovered from an earlier attempt's intent was requested then and is done: it passes.
  if (options.merge === false && result.verdict === 'pass' && !attempt.merged) {
    return { verdict: 'defer', reason: `${result.reason}; the base was not moved (merge not requested)`, detail: { ...result.detail, cause: NOT_MERGED_CAUSE } };
  }
  return result;
}

export async function checkBranchMergeable(ctx: GateContext): Promise<CheckResult | GateAction> {
  const scoped = mergeGateOptionsInScope();
  // A task staged without --merge is merged only when someone asks explicitly (issue 13.4): a
  // worker re-running its re-queued job stops at mergeable too.
  const options = scoped.merge === undefined && ctx.task.merge_policy === 'ask' ? { ...scoped, merge: false } : scoped;
  const evaluation = await evaluateMergeGate({ store: ctx.store, config: ctx.config }, ctx.task, options);
  if (evaluation.kind === 'decided') return answer(ctx, options, evaluation.attempt);
  return { kind: 'action', summary: evaluation.summary, apply: async () => answer(ctx, options, await evaluation.perform()), discard: evaluation.discard, settle: evaluation.settle };
}
