// The gate decision, a pure function: check outcomes (+ the stage's last job and the re-run
// budget) -> what to do. No IO here; apply.ts writes the decision.
import { DEFER_CAUSES, type CheckOutcome, type GateResultInput, type InfraRetryPolicy } from './check.ts';
import { annotate, infraStep } from './infra-retry.ts';
import { roleForStage, type Stage } from './stages.ts';
import { forwardEdge, rollbackEdge, type Transition } from './transitions.ts';

export const ADVANCE_OUTCOMES = Object.freeze({
  advanced: 'advanced',
  rolledBack: 'rolled-back',
  deferred: 'deferred',
  blocked: 'blocked',
  conflict: 'conflict',
  done: 'done',
} as const);
export type AdvanceOutcome = (typeof ADVANCE_OUTCOMES)[keyof typeof ADVANCE_OUTCOMES];

export interface DecisionInput {
  readonly taskId: number;
  readonly from: Stage;
  readonly outcomes: readonly CheckOutcome[];
  /** The newest job of the current stage, if one ran; `infraAttempts` = infra re-queues so far. @default infraAttempts 0 */
  readonly lastJob: { readonly id: number; readonly attempt: number; readonly infraAttempts?: number } | null;
  /** ORCH_VERDICT_RERUNS. */
  readonly verdictReruns: number;
}

export interface JobPlan {
  readonly stage: Stage;
  readonly agent: string;
  readonly attempt: number;
  /** An infra re-queue: the job waits `deferred` until now + delayMs, carrying the re-queue count. */
  readonly infra?: { readonly attempt: number; readonly delayMs: number; readonly checkId: string };
}

export interface AlertPlan {
  readonly kind: 'gate-failed' | 'verdict-exhausted' | 'infra-exhausted';
  readonly dedupeKey: string;
  readonly message: string;
}

export interface Decision {
  /** The forward edge whose checks were evaluated (gate results are recorded against it). */
  readonly guarded: Transition;
  readonly outcome: Exclude<AdvanceOutcome, 'conflict'>;
  /** The edge taken, or null when the task stays on its stage. */
  readonly transition: Transition | null;
  readonly reason: string;
  /** What to record in gate_results, one row per check that ran. */
  readonly records: readonly GateResultInput[];
  readonly nextJob: JobPlan | null;
  readonly alert: AlertPlan | null;
}

const VERDICT_CAUSES: ReadonlySet<unknown> = new Set([DEFER_CAUSES.verdictMissing, DEFER_CAUSES.verdictInvalid]);

function jobFor(stage: Stage, attempt = 1): JobPlan | null {
  const role = roleForStage(stage);
  return role ? { stage, agent: role.role, attempt } : null;
}

export function decide(input: DecisionInput): Decision {
  const forward = forwardEdge(input.from);
  if (!forward) throw new Error(`decide: stage ${input.from} has no forward edge`);
  const records: GateResultInput[] = input.outcomes.map((o) => ({ checkId: o.checkId, ...o.result }));
  const stopped = input.outcomes.find((o) => o.result.verdict !== 'pass');

  if (!stopped) {
    const reason = records.length === 0 ? `no checks guard ${input.from}->${forward.to}` : records.map((r) => r.reason).join('; ');
    const outcome = forward.to === 'done' ? 'done' : 'advanced';
    return { guarded: forward, outcome, transition: forward, reason, records, nextJob: jobFor(forward.to), alert: null };
  }

  const { checkId, result } = stopped;
  if (result.verdict === 'fail') return failure(input, forward, records, `${checkId}: ${result.reason}`, null);

  if (result.retry) return infraDecision(input, forward, records, checkId, result.reason, result.retry);
  if (!VERDICT_CAUSES.has(result.detail?.cause)) {
    return { guarded: forward, outcome: 'deferred', transition: null, reason: `${checkId}: ${result.reason}`, records, nextJob: null, alert: null };
  }
  // A missing or invalid verdict never advances: re-run the producing job, within the budget.
  const rerunsDone = input.lastJob ? input.lastJob.attempt - 1 : 0;
  if (rerunsDone < input.verdictReruns) {
    const attempt = input.lastJob ? input.lastJob.attempt + 1 : 1;
    const reason = `${checkId}: ${result.reason}; re-running the ${input.from} job (re-run ${rerunsDone + 1} of ${input.verdictReruns})`;
    return { guarded: forward, outcome: 'deferred', transition: null, reason, records, nextJob: jobFor(input.from, attempt), alert: null };
  }
  // Budget spent: fail closed. The deferring check is recorded as the fail it now is.
  const reason = `${checkId}: ${result.reason}; still no usable verdict after ${input.verdictReruns} re-run(s): failing closed`;
  const closed = records.map((r) => (r.checkId === checkId && r.verdict === 'defer' ? { ...r, verdict: 'fail' as const, reason, detail: { ...r.detail, failClosed: true } } : r));
  return failure(input, forward, closed, reason, 'verdict-exhausted');
}

/** An infra defer: re-queue the stage's job with backoff, or block with one alert once exhausted. */
function infraDecision(input: DecisionInput, guarded: Transition, records: readonly GateResultInput[], checkId: string, why: string, policy: InfraRetryPolicy): Decision {
  const step = infraStep(policy, input.lastJob?.infraAttempts ?? 0);
  const annotated = annotate(records, checkId, step);
  if (step.kind === 'requeue') {
    const reason = `${checkId}: ${why}; infra re-queue ${step.attempt} of ${step.of} on ${input.from} in ${step.delayMs / 1000}s`;
    const role = jobFor(input.from, input.lastJob?.attempt ?? 1);
    const nextJob = role ? { ...role, infra: { attempt: step.attempt, delayMs: step.delayMs, checkId } } : null;
    return { guarded, outcome: 'deferred', transition: null, reason, records: annotated, nextJob, alert: null };
  }
  const reason = `${checkId}: ${why}; infra retries exhausted after ${step.attempts} re-queue(s): blocked until \`orch task retry ${input.taskId}\``;
  const episode = `task-${input.taskId}:${input.from}:job-${input.lastJob?.id ?? 'none'}`;
  const alert = { kind: 'infra-exhausted' as const, dedupeKey: `infra-exhausted:${episode}`, message: `task ${input.taskId} blocked on ${input.from}: ${reason}` };
  return { guarded, outcome: 'blocked', transition: null, reason, records: annotated, nextJob: null, alert };
}

/** A failed gate: roll back where STAGE_TRANSITIONS has the edge, otherwise block the task. */
function failure(input: DecisionInput, guarded: Transition, records: readonly GateResultInput[], reason: string, alertKind: AlertPlan['kind'] | null): Decision {
  const episode = `task-${input.taskId}:${input.from}:job-${input.lastJob?.id ?? 'none'}`;
  const rollback = rollbackEdge(input.from);
  if (rollback) {
    const alert = alertKind ? { kind: alertKind, dedupeKey: `${alertKind}:${episode}`, message: `task ${input.taskId} rolled back to ${rollback.to}: ${reason}` } : null;
    return { guarded, outcome: 'rolled-back', transition: rollback, reason, records, nextJob: jobFor(rollback.to), alert };
  }
  const kind = alertKind ?? 'gate-failed';
  const alert = { kind, dedupeKey: `${kind}:${episode}`, message: `task ${input.taskId} blocked on ${input.from}: ${reason}` };
  return { guarded, outcome: 'blocked', transition: null, reason, records, nextJob: null, alert };
}
