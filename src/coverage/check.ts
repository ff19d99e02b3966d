// check_coverage (testing -> deploy-staging), when ORCH_COVERAGE_MIN is set: a figure below the
// minimum is a code fault (rollback); a timeout, a missing or unreadable summary is infrastructure
// (infra re-queue with the merge gate's retry policy and kill-switches). The evaluation only reads
// the branch tip and decides to measure it; the apply step checks the task worktree out there and
// measures (src/pipeline/gates/apply.ts), and coverageVerdict (pure) answers from the figure.
import { errorMessage } from '../errors.ts';
import { branchHead } from '../git/repo.ts';
import { infraRetryPolicy, switchesFromConfig } from '../merge/options.ts';
import type { CheckResult } from '../core/check.ts';
import { coverageVerdict, type CoverageMeasurement } from '../core/coverage-verdict.ts';
import type { GateAction, GateContext } from '../pipeline/gates/types.ts';
import { checkoutDetached } from '../worktree/checkout.ts';
import { ensureTaskWorktree } from '../worktree/ensure.ts';
import { measureCoverage } from './measure.ts';

export const COVERAGE_CHECK_ID = 'check_coverage';

function notRun(error: unknown): CoverageMeasurement {
  return { outcome: 'not-run', linesPct: null, reason: `coverage gate error: ${errorMessage(error)}`, summaryPath: '', run: null };
}

export async function checkCoverage(ctx: GateContext): Promise<CheckResult | GateAction> {
  const min = ctx.config.ORCH_COVERAGE_MIN;
  if (min === null) return { verdict: 'pass', reason: 'coverage gate off (ORCH_COVERAGE_MIN is empty)', detail: { off: true } };
  const verdict = (measurement: CoverageMeasurement): CheckResult => coverageVerdict(measurement, min, switchesFromConfig(ctx.config), infraRetryPolicy(ctx.config));
  let tip: string | null;
  try {
    tip = await branchHead(ctx.repo, ctx.task.branch);
    if (tip === null) throw new Error(`branch ${ctx.task.branch} does not exist in ${ctx.repo}`);
  } catch (error) {
    return verdict(notRun(error));
  }
  const at = tip;
  return {
    kind: 'action',
    summary: `check out ${at.slice(0, 12)} in the task worktree and measure its coverage`,
    apply: async () => {
      let measurement: CoverageMeasurement;
      try {
        const { path } = await ensureTaskWorktree(ctx.config, ctx.task);
        await checkoutDetached(path, at);
        measurement = await measureCoverage(ctx.config, ctx.task.id, path);
      } catch (error) {
        measurement = notRun(error);
      }
      return verdict(measurement);
    },
    discard: async () => {},
  };
}
