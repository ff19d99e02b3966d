// The re-test on the rebased HEAD: the configured command in the task worktree, under the
// process-group runner (the whole tree dies on timeout, and leftovers die after the exit), with
// orch's own ORCH_* settings kept out of its environment exactly as for the staging suite.
import { mkdirSync } from 'node:fs';
import type { Config } from '../config/keys.ts';
import { runInGroup, type RunResult } from '../proc/index.ts';
import type { ResolvedMergeGateOptions } from './options.ts';
import { suiteEnv } from '../staging/suite.ts';
import { resolveRetestCommand } from '../config/gate-command.ts';

export type RetestRun = { readonly result: RunResult; readonly source: string } | { readonly problem: string };

/** `marker`: the lock holder's marker variable (lockMarker), so a dead gate's re-test can be found. */
export async function runRetest(config: Config, opts: ResolvedMergeGateOptions, worktree: string, marker: Readonly<Record<string, string>> = {}): Promise<RetestRun> {
  const command = resolveRetestCommand(config, worktree);
  if ('problem' in command) return command;
  mkdirSync(opts.logDir, { recursive: true });
  const [file, ...args] = command.argv as [string, ...string[]];
  const result = await runInGroup({
    file,
    args,
    cwd: worktree,
    env: { ...suiteEnv(process.env), ...marker },
    extendEnv: false,
    timeoutMs: opts.timeoutMs,
    graceMs: opts.graceMs,
    treeKill: opts.switches.treeKill,
    logDir: opts.logDir,
  });
  return { result, source: command.source };
}
