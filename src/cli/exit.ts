// Exit codes of the CLI and the one mapping from errors to them.
import { ERROR_CODES, isOrchError } from '../errors.ts';
import type { StageVerdict } from '../stage/report.ts';

export const EXIT = {
  ok: 0,
  /** A code fault: a red suite, a rollback, drift found. */
  fault: 1,
  /** Usage or config error: bad input, nothing written. */
  usage: 2,
  /** Deferred / infra: try again later (EX_TEMPFAIL). */
  tempfail: 75,
} as const;

/** `orch stage`: advanced 0; rolled back or failed closed 1 (someone must change something); deferred 75. */
export const STAGE_EXIT: Readonly<Record<StageVerdict, number>> = Object.freeze({
  advanced: EXIT.ok,
  'rolled-back': EXIT.fault,
  'failed-closed': EXIT.fault,
  deferred: EXIT.tempfail,
});

/** Thrown by a command to end with a given exit code after it printed its own output. */
export class ExitSignal extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

const USAGE_CODES = new Set<string>([
  ERROR_CODES.CONFIG_INVALID,
  ERROR_CODES.INVALID_INPUT,
  ERROR_CODES.NOT_FOUND,
  ERROR_CODES.ILLEGAL_TRANSITION,
  ERROR_CODES.UNKNOWN_STAGE,
  ERROR_CODES.TASK_STATE,
  // The environment: ORCH_HOME, the store, .env. Nothing was written; fix the machine and rerun.
  ERROR_CODES.ENVIRONMENT,
  ERROR_CODES.STORE_FAILED,
]);

/** ORCH_DEBUG=1 (or true/yes/on) adds the stack under the one line; read raw, config may be what failed. */
export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(1|true|yes|on)$/i.test((env.ORCH_DEBUG ?? '').trim());
}

/** One line for stderr and the exit code for any error that reaches the CLI's main. */
export function describeFailure(error: unknown, debug = debugEnabled()): { line: string; exitCode: number } {
  const stack = debug && error instanceof Error && error.stack ? `\n${error.stack}` : '';
  if (isOrchError(error)) {
    // A message of several lines (every bad config key) gets the prefix on each line.
    const line = error.message.split('\n').map((l) => `orch: ${l}`).join('\n');
    return { line: `${line}${stack}`, exitCode: USAGE_CODES.has(error.code) ? EXIT.usage : EXIT.fault };
  }
  const message = error instanceof Error ? error.message : String(error);
  const hint = debug ? '' : ' (ORCH_DEBUG=1 shows the stack)';
  return { line: `orch: internal error: ${message.split('\n')[0]}${hint}${stack}`, exitCode: EXIT.fault };
}
