// The gate's apply step: performs what the checks decided on (the merge gate's ref moves, the
// coverage gate's checkout and measurement), after every check of the transition was evaluated.
// An action's outcome is its check's answer; the answers then go to decide() as before.
import { errorMessage } from '../../errors.ts';
import { DEFER_CAUSES, type CheckOutcome, type CheckResult } from '../../core/check.ts';
import type { Db } from '../../store/tx.ts';
import { pendingActions, type GateEvaluation } from './evaluate.ts';

/** What the apply step leaves: every check's answer, and the writes owed with their record. */
export interface AppliedGate {
  readonly outcomes: CheckOutcome[];
  /** The applied actions' `settle` writes, for the transaction that records the outcomes. */
  readonly settle: (db: Db) => Promise<void>;
}

const nothingToSettle = async (): Promise<void> => {};

/**
 * Perform the evaluation's actions in order and return every check's answer, in the order the
 * checks ran, up to the first that did not pass. An evaluation that stopped on a check that did
 * not pass performs nothing: its actions are discarded, and so are those after an action whose
 * answer is not a pass.
 */
export async function applyGate(evaluation: GateEvaluation): Promise<AppliedGate> {
  const stopped = evaluation.checks.some((c) => 'result' in c && c.result.verdict !== 'pass');
  if (stopped) {
    await discardGate(evaluation);
    return { outcomes: evaluation.checks.flatMap((c) => ('result' in c ? [{ checkId: c.checkId, result: c.result }] : [])), settle: nothingToSettle };
  }
  const outcomes: CheckOutcome[] = [];
  const settles: Array<(db: Db) => Promise<void>> = [];
  for (const [index, c] of evaluation.checks.entries()) {
    if ('result' in c) {
      outcomes.push({ checkId: c.checkId, result: c.result });
      continue;
    }
    let result: CheckResult;
    if (c.action.settle) settles.push(c.action.settle);
    try {
      result = await c.action.apply();
    } catch (error) {
      result = { verdict: 'defer', reason: `${c.checkId} raised: ${errorMessage(error)}`, detail: { cause: DEFER_CAUSES.checkError } };
    }
    outcomes.push({ checkId: c.checkId, result });
    if (result.verdict !== 'pass') {
      await discardGate({ checks: evaluation.checks.slice(index + 1) });
      break;
    }
  }
  return {
    outcomes,
    settle: async (db) => {
      for (const settle of settles) await settle(db);
    },
  };
}

/** Let go of every action an evaluation holds, performing none (the merge lock is released). */
export async function discardGate(evaluation: GateEvaluation): Promise<void> {
  for (const { action } of pendingActions(evaluation)) await action.discard();
}
