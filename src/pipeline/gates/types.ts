// The shape of a quality-gate check: a function of the task context whose result is data
// (CheckResult, src/core/check.ts).
import type { CheckResult } from '../../core/check.ts';
import type { Config } from '../../config/keys.ts';
import type { Store } from '../../store/db.ts';
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

export type GateCheck = (ctx: GateContext) => Promise<CheckResult>;
