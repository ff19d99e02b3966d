// Runs the checks of one transition in order. A check that throws becomes a recorded `defer`
// (never-raise: the gate never advances on an error, and the error is kept as data).
import { errorMessage } from '../../errors.ts';
import { checksFor } from './registry.ts';
import { DEFER_CAUSES, type CheckOutcome, type CheckResult } from '../../core/check.ts';
import type { GateContext } from './types.ts';

/** Evaluate until the first check that does not pass; later checks (a merge, say) do not run. */
export async function evaluateGate(ctx: GateContext, from: string, to: string): Promise<CheckOutcome[]> {
  const outcomes: CheckOutcome[] = [];
  for (const { id, check } of checksFor(from, to)) {
    let result: CheckResult;
    try {
      result = await check(ctx);
    } catch (error) {
      result = { verdict: 'defer', reason: `${id} raised: ${errorMessage(error)}`, detail: { cause: DEFER_CAUSES.checkError } };
    }
    outcomes.push({ checkId: id, result });
    if (result.verdict !== 'pass') break;
  }
  return outcomes;
}
