// Public API of the process-group runner (SPEC §5). Everything else in src/proc is internal.
export { runInGroup } from './run-in-group.ts';
export type { RunOptions, ResolvedRunOptions, SpawnInfo, StdioMode } from './options.ts';
export { normalizeRunOptions, DEFAULT_GRACE_MS, DEFAULT_TAIL_BYTES } from './options.ts';
export type { RunResult } from './result.ts';
export { SHELL_EXIT, shellExitCode } from './result.ts';
// How a run ended is core data (the decisions over a run read it without loading the runner).
export type { Outcome, RunError } from '../core/run-outcome.ts';
export { OUTCOMES } from '../core/run-outcome.ts';
export { procOptionsFromConfig } from './from-config.ts';
export { shutdownSignal, liveRunCount } from './registry.ts';
export { procfsAvailable } from './procfs.ts';
// For a process that outlived the orch that started it (the worker's reaper): kill a run by its
// root and its marker, with the same freeze/TERM/grace/KILL as runInGroup.
export { killTree, type KillReport } from './kill-tree.ts';
export type { RunTarget } from './collect.ts';
