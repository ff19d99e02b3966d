// check_coverage (testing -> deploy-staging), when ORCH_COVERAGE_MIN is set: a figure below the
// minimum is a code fault (rollback); a timeout, a missing or unreadable summary is infrastructure
// (infra re-queue with the merge gate's retry policy and kill-switches).
import { errorMessage } from '../errors.ts';
import { branchHead } from '../git/repo.ts';
import { infraRetryPolicy, switchesFromConfig, type MergeSwitches } from '../merge/options.ts';
import { DEFER_CAUSES, type CheckResult, type InfraRetryPolicy } from '../core/check.ts';
import type { GateContext } from '../pipeline/gates/types.ts';
import { checkoutDetached } from '../worktree/checkout.ts';
import { ensureTaskWorktree } from '../worktree/ensure.ts';
import { measureCoverage, type CoverageMeasurement } from './measure.ts';

export const COVERAGE_CHECK_ID = 'check_coverage';

/** The gate's answer for a measurement (pure). */
export function coverageVerdict(m: CoverageMeasurement, min: number, switches: Pick<MergeSwitches, 'classify' | 'infraRetry'>, retry: InfraRetryPolicy): CheckResult {
  const detail = { ...m, min };
  if (m.outcome === 'measured' && m.linesPct !== null) {
    if (m.linesPct >= min) return { verdict: 'pass', reason: `${m.reason} >= minimum ${min}%`, detail: { ...detail, class: null } };
    return { verdict: 'fail', reason: `${m.reason} is below the minimum ${min}%`, detail: { ...detail, class: 'code' } };
  }
  if (switches.classify && switches.infraRetry) {
    return { verdict: 'defer', reason: m.reason, detail: { ...detail, class: 'infra', cause: DEFER_CAUSES.infra }, retry };
  }
  return { verdict: 'fail', reason: m.reason, detail: { ...detail, class: 'infra' } };
}

export async function checkCoverage(ctx: GateContext): Promise<CheckResult> {
  const min = ctx.config.ORCH_COVERAGE_MIN;
  if (min === null) return { verdict: 'pass', reason: 'coverage gate off (ORCH_COVERAGE_MIN is empty)', detail: { off: true } };
  let measurement: CoverageMeasurement;
  try {
    const { path } = await ensureTaskWorktree(ctx.config, ctx.task);
    const tip = await branchHead(ctx.repo, ctx.task.branch);
    if (tip === null) throw new Error(`branch ${ctx.task.branch} does not exist in ${ctx.repo}`);
    await checkoutDetached(path, tip);
    measurement = await measureCoverage(ctx.config, ctx.task.id, path);
  } catch (error) {
    measurement = { outcome: 'not-run', linesPct: null, reason: `coverage gate error: ${errorMessage(error)}`, summaryPath: '', run: null };
  }
  return coverageVerdict(measurement, min, switchesFromConfig(ctx.config), infraRetryPolicy(ctx.config));
}
