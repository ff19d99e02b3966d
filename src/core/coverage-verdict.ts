// The coverage gate's answer for a measurement (pure): a figure at or above ORCH_COVERAGE_MIN
// passes, below it is a code fault (rollback); no figure (timeout, no or unreadable summary, the
// command did not run) is infrastructure: an infra re-queue with the merge gate's retry policy
// and kill-switches. src/coverage/ measures; check_coverage calls this on what it measured.
import { DEFER_CAUSES, type CheckResult, type InfraRetryPolicy } from './check.ts';
import type { RetestSummary } from './merge-attempt.ts';
import type { RouteSwitches } from './merge-route.ts';

export const MEASUREMENT_OUTCOMES = ['measured', 'timeout', 'no-summary', 'invalid-summary', 'not-run'] as const;
export type MeasurementOutcome = (typeof MEASUREMENT_OUTCOMES)[number];

export interface CoverageMeasurement {
  readonly outcome: MeasurementOutcome;
  /** total.lines.pct when measured. */
  readonly linesPct: number | null;
  readonly reason: string;
  readonly summaryPath: string;
  readonly run: RetestSummary | null;
}

/** The gate's answer for a measurement (pure). */
export function coverageVerdict(m: CoverageMeasurement, min: number, switches: RouteSwitches, retry: InfraRetryPolicy): CheckResult {
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
