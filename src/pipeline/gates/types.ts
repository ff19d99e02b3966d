// The shape of a quality-gate check: a function of the task context whose result is data.
import type { Config } from '../../config/keys.ts';
import type { Task } from '../../store/schema.ts';

export interface GateContext {
  readonly task: Task;
  readonly config: Config;
  /** `$ORCH_HOME/tasks/<id>`: where the stage artifacts are. */
  readonly taskDir: string;
  /** The task's repository (its work tree's top-level folder). */
  readonly repo: string;
}

export const CHECK_VERDICTS = Object.freeze({ pass: 'pass', fail: 'fail', defer: 'defer' } as const);
export type CheckVerdict = (typeof CHECK_VERDICTS)[keyof typeof CHECK_VERDICTS];

/** Why a check deferred; advance() re-runs the producing job for the verdict causes. */
export const DEFER_CAUSES = Object.freeze({
  verdictMissing: 'verdict-missing',
  verdictInvalid: 'verdict-invalid',
  checkError: 'check-error',
} as const);

export interface CheckResult {
  readonly verdict: CheckVerdict;
  readonly reason: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export type GateCheck = (ctx: GateContext) => Promise<CheckResult>;
