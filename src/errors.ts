// Every error orch raises on purpose, each with a stable `code`. Check by `code`, never by message.

export const ERROR_CODES = {
  CONFIG_INVALID: 'ORCH_CONFIG_INVALID',
  ILLEGAL_TRANSITION: 'ORCH_ILLEGAL_TRANSITION',
  UNKNOWN_STAGE: 'ORCH_UNKNOWN_STAGE',
  UNKNOWN_VERDICT_KEY: 'ORCH_UNKNOWN_VERDICT_KEY',
  TASK_STATE: 'ORCH_TASK_STATE',
  VERSION_CONFLICT: 'ORCH_VERSION_CONFLICT',
  NOT_FOUND: 'ORCH_NOT_FOUND',
  INVALID_INPUT: 'ORCH_INVALID_INPUT',
  GIT_FAILED: 'ORCH_GIT_FAILED',
  STORE_FAILED: 'ORCH_STORE_FAILED',
  /** The process-group runner itself failed (not the command it ran). */
  PROC_FAILED: 'ORCH_PROC_FAILED',
  /** A job could not be launched: no worktree, no role card, a reserved agent that raised. */
  LAUNCH_FAILED: 'ORCH_LAUNCH_FAILED',
  /** The staging runner itself failed (not the suite); the job falls back to the LLM deployer. */
  STAGING_FAILED: 'ORCH_STAGING_FAILED',
  /** A registry the conformance harness derives a block from cannot be loaded or has the wrong shape. */
  SOURCE_UNAVAILABLE: 'ORCH_SOURCE_UNAVAILABLE',
  /** The machine orch runs on is not usable: ORCH_HOME not writable, a store that is not one, a .env that is a folder. */
  ENVIRONMENT: 'ORCH_ENVIRONMENT',
  INTERNAL: 'ORCH_INTERNAL',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** Base class: a stable code, a message that names what was wrong, and the cause when there is one. */
export class OrchError extends Error {
  readonly code: ErrorCode;
  /** Infra failures may be retried; code faults and bad input may not. */
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OrchError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** A configuration value failed validation: names the key, the value and what is allowed. */
export class ConfigError extends OrchError {
  readonly key: string;
  /** `options.message` replaces the usual `KEY=value is invalid: allowed` (an unknown key, several problems). */
  constructor(key: string, value: unknown, allowed: string, options: { cause?: unknown; message?: string } = {}) {
    super(ERROR_CODES.CONFIG_INVALID, options.message ?? `${key}=${JSON.stringify(value)} is invalid: ${allowed}`, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'ConfigError';
    this.key = key;
  }
}

/** A transition that STAGE_TRANSITIONS does not contain. */
export class IllegalTransitionError extends OrchError {
  constructor(readonly from: string, readonly to: string) {
    super(ERROR_CODES.ILLEGAL_TRANSITION, `illegal transition ${from} -> ${to}: not in STAGE_TRANSITIONS`);
    this.name = 'IllegalTransitionError';
  }
}

/** User input (CLI arguments, task fields) that orch refuses; the CLI maps it to exit 2. */
export class InvalidInputError extends OrchError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(ERROR_CODES.INVALID_INPUT, message, options);
    this.name = 'InvalidInputError';
  }
}

export class NotFoundError extends OrchError {
  constructor(message: string) {
    super(ERROR_CODES.NOT_FOUND, message);
    this.name = 'NotFoundError';
  }
}

/** An operation needs the task in another state; the message names the state found and what to do. */
export class TaskStateError extends OrchError {
  constructor(readonly taskId: number, readonly state: string, message: string) {
    super(ERROR_CODES.TASK_STATE, message);
    this.name = 'TaskStateError';
  }
}

/** Another writer changed the task first (its version moved): nothing of ours was written. */
export class VersionConflictError extends OrchError {
  constructor(readonly taskId: number, readonly version: number) {
    super(ERROR_CODES.VERSION_CONFLICT, `task ${taskId} changed while it was being evaluated (expected version ${version}); nothing was written`, { retryable: true });
    this.name = 'VersionConflictError';
  }
}

/**
 * The environment is at fault, not the input or the code: the message names the path or key and
 * the cause in one line (`ORCH_HOME=/x/y is not writable (EACCES)`). The CLI exits 2.
 */
export class EnvironmentError extends OrchError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(ERROR_CODES.ENVIRONMENT, message, options);
    this.name = 'EnvironmentError';
  }
}

export function isOrchError(error: unknown): error is OrchError {
  return error instanceof OrchError;
}

/** The message of anything thrown, for recording in an outcome. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
