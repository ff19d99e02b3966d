// The shape of a quality-gate check: a function of the task context that DECIDES, and changes
// nothing anyone else sees. Its answer is data (CheckResult, src/core/check.ts), or an action it
// decided on (a merge, a checkout) that the gate's apply step performs after every check of the
// transition was evaluated (src/pipeline/gates/apply.ts).
import type { CheckResult } from '../../core/check.ts';
import type { Config } from '../../config/keys.ts';
import type { Store } from '../../store/db.ts';
import type { Db } from '../../store/tx.ts';
import type { Task } from '../../store/schema.ts';

export interface GateContext {
  readonly task: Task;
  readonly config: Config;
  /** `$ORCH_HOME/tasks/<id>`: where the stage artifacts are. */
  readonly taskDir: string;
  /** The task's repository (its work tree's top-level folder). */
  readonly repo: string;
  /** For checks that keep state across processes (the merge lock). */
  readonly store: Store;
}

/** What a check decided to do: performed by the apply step, whose answer becomes the check's. */
export interface GateAction {
  readonly kind: 'action';
  /** What will be done, in words: "move main to 0123abcd…", "check out … and measure coverage". */
  readonly summary: string;
  /** Perform the action; resolves to the check's answer (a throw is recorded as a check-error defer). */
  readonly apply: () => Promise<CheckResult>;
  /** Let go without acting (a later check did not pass): release what the evaluation holds. */
  readonly discard: () => Promise<void>;
  /**
   * Store writes that belong with the check's record, run in the transaction that records the
   * gate's results (only for an action that was applied): the merge gate drops its intent there.
   */
  readonly settle?: (db: Db) => Promise<void>;
}

export type GateCheck = (ctx: GateContext) => Promise<CheckResult | GateAction>;

/** The check decided on an action rather than answering. */
export function isGateAction(answer: CheckResult | GateAction): answer is GateAction {
  return 'kind' in answer && answer.kind === 'action';
}
