// Public API of the process-group runner (SPEC §5). Everything else in src/proc is internal.
export { runInGroup } from './run-in-group.ts';
export type { RunOptions, ResolvedRunOptions, StdioMode } from './options.ts';
export { normalizeRunOptions, DEFAULT_GRACE_MS, DEFAULT_TAIL_BYTES } from './options.ts';
export type { Outcome, RunError, RunResult } from './result.ts';
export { OUTCOMES, SHELL_EXIT, shellExitCode } from './result.ts';
export { procOptionsFromConfig } from './from-config.ts';
export { shutdownSignal, liveRunCount } from './registry.ts';
export { procfsAvailable } from './procfs.ts';
