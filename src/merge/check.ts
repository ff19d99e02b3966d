// check_branch_mergeable (deploy-staging -> deploy): the merge gate as a QG check. Registered after
// check_staging_status, so it only runs on a PASSED staging verdict.
import type { CheckResult, GateContext } from '../pipeline/gates/types.ts';
import { runMergeGate } from './gate.ts';
import { infraRetryPolicy, switchesFromConfig } from './options.ts';
import { routeAttempt } from './route.ts';

export const MERGE_CHECK_ID = 'check_branch_mergeable';

export async function checkBranchMergeable(ctx: GateContext): Promise<CheckResult> {
  const attempt = await runMergeGate({ store: ctx.store, config: ctx.config }, ctx.task);
  return routeAttempt(attempt, switchesFromConfig(ctx.config), infraRetryPolicy(ctx.config));
}
