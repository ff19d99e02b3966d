// A re-test's run as the merge attempt records it (RetestSummary, src/core/merge-attempt.ts): the
// runner's full result cut down to what the gate result's detail keeps. The coverage gate uses it too.
import type { RunResult } from '../proc/index.ts';
import type { RetestSummary } from '../core/merge-attempt.ts';

export function summarizeRun(result: RunResult, source: string): RetestSummary {
  return {
    command: result.command,
    source,
    outcome: result.outcome,
    exitCode: result.exitCode,
    signal: result.signal,
    durationMs: result.durationMs,
    logPath: result.logPath,
    killed: result.killed,
    survivors: result.survivors,
    treeKill: result.treeKill,
  };
}
