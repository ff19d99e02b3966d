// Evaluates the checks of one transition in order. A check decides and acts on nothing: it answers
// (pass, fail, defer) or names an action (a merge, a checkout) for the apply step (apply.ts). A
// check that throws becomes a recorded `defer` (never-raise: the gate never advances on an error,
// and the error is kept as data).
import { errorMessage } from '../../errors.ts';
import { checksFor } from './registry.ts';
import { DEFER_CAUSES, type CheckResult } from '../../core/check.ts';
import { isGateAction, type GateAction, type GateContext } from './types.ts';

/** One check's part in an evaluation: its answer, or the action it decided on. */
export type EvaluatedCheck = { readonly checkId: string; readonly result: CheckResult } | { readonly checkId: string; readonly action: GateAction };

/** The checks of one transition, evaluated in order; nothing they decided on is performed yet. */
export interface GateEvaluation {
  readonly checks: readonly EvaluatedCheck[];
}

/** Evaluate until the first check that does not pass; an action counts as a pass until it is applied. */
export async function evaluateGate(ctx: GateContext, from: string, to: string): Promise<GateEvaluation> {
  const checks: EvaluatedCheck[] = [];
  for (const { id, check } of checksFor(from, to)) {
    let answer: CheckResult | GateAction;
    try {
      answer = await check(ctx);
    } catch (error) {
      answer = { verdict: 'defer', reason: `${id} raised: ${errorMessage(error)}`, detail: { cause: DEFER_CAUSES.checkError } };
    }
    if (isGateAction(answer)) {
      checks.push({ checkId: id, action: answer });
      continue;
    }
    checks.push({ checkId: id, result: answer });
    if (answer.verdict !== 'pass') break;
  }
  return { checks };
}

/** The actions an evaluation holds, in check order. */
export function pendingActions(evaluation: GateEvaluation): ReadonlyArray<{ readonly checkId: string; readonly action: GateAction }> {
  return evaluation.checks.flatMap((c) => ('action' in c ? [c] : []));
}
