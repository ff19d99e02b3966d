// Running the staging suite: in the task worktree, under the process-group runner (the whole tree
// dies on timeout and leftovers die after the exit), with orch's own settings kept out of the
// suite's environment. Also reads which commit was tested.
import { mkdirSync } from 'node:fs';
import { ERROR_CODES, OrchError } from '../errors.ts';
import { runGit } from '../git/run.ts';
import { runInGroup, type RunResult } from '../proc/index.ts';
import type { RunProcOptions } from '../launcher/types.ts';
import type { SuiteCommand } from '../config/suite-command.ts';
import type { ResolvedStagingOptions } from './options.ts';
import { TAIL_BUDGET_BYTES } from './tail.ts';

/** Extra tail read beyond the artifact's budget, so a secret cut in half at the tail's start is dropped, not half-shown. */
export const TAIL_SLACK_BYTES = 4 * 1024;

/**
 * The suite's whole environment: orch's own minus every ORCH_* key, so a suite (orch's own, when
 * orch stages itself) never picks up the live orchestrator's home, database or switches.
 */
export function suiteEnv(parent: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(parent)) if (value !== undefined && !key.startsWith('ORCH_')) env[key] = value;
  return env;
}

export interface TreeState {
  readonly sha: string;
  /** Tracked files differ from `sha`: what ran was not exactly that commit. */
  readonly dirty: boolean;
}

/**
 * HEAD of the worktree and whether tracked files are modified, in one git call (`status
 * --porcelain=v2 --branch` names the HEAD commit); a worktree that is not a git checkout, or has no
 * commit, is an OrchError.
 */
export async function readTreeState(worktree: string): Promise<TreeState> {
  const status = await runGit(worktree, ['status', '--porcelain=v2', '--branch', '--untracked-files=no']);
  if (status.exitCode !== 0) throw new OrchError(ERROR_CODES.GIT_FAILED, `git status failed in ${worktree}: ${status.stderr.split('\n')[0] ?? ''}`);
  const lines = status.stdout.split('\n').filter((l) => l !== '');
  const sha = /^# branch\.oid ([0-9a-f]{40,64})$/.exec(lines.find((l) => l.startsWith('# branch.oid ')) ?? '')?.[1];
  if (sha === undefined) throw new OrchError(ERROR_CODES.GIT_FAILED, `the worktree ${worktree} has no HEAD commit`);
  return { sha, dirty: lines.some((l) => !l.startsWith('# ')) };
}

/** Run the suite once. Only a log folder that cannot be made throws; runInGroup turns every other failure into a result. */
export async function runSuite(
  options: ResolvedStagingOptions,
  command: SuiteCommand,
  worktree: string,
  parentEnv: NodeJS.ProcessEnv,
  signal?: AbortSignal,
  proc?: RunProcOptions,
): Promise<RunResult> {
  mkdirSync(options.logDir, { recursive: true });
  const [file, ...args] = command.argv as [string, ...string[]];
  return runInGroup({
    file,
    args,
    cwd: worktree,
    // The job's marker variable goes in after the filter: the reaper finds the suite's orphans by it.
    env: { ...suiteEnv(parentEnv), ...proc?.env },
    extendEnv: false,
    timeoutMs: options.timeoutMs,
    graceMs: options.graceMs,
    treeKill: options.treeKill,
    logDir: options.logDir,
    tailBytes: TAIL_BUDGET_BYTES + TAIL_SLACK_BYTES,
    ...(signal ? { signal } : {}),
    ...(proc ? { onSpawn: proc.onSpawn } : {}),
  });
}
