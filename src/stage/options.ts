// `orch stage` options (SPEC §11): the raw flags, normalised once into a frozen object. Every
// check happens here, before anything is written: a bad flag is a usage error (exit 2) naming
// the flag, what it got and what is allowed.
import type { ConfigKey } from '../config/keys.ts';
import { InvalidInputError } from '../errors.ts';
import { requireBranchName } from '../git/refs.ts';
import { requireWorkTree, workTreeAndHeads } from '../git/repo.ts';
import { runGit } from '../git/run.ts';
import { parseDuration } from '../util/duration.ts';

export interface StageOptions {
  /** @default the git work tree of the current directory */
  readonly repo?: string;
  /** @default the branch checked out in `repo` */
  readonly branch?: string;
  /** @default 'main' */
  readonly base?: string;
  /** @default ORCH_STAGING_SUITE_CMD (the repo's npm test) */
  readonly suite?: string;
  /** Seconds (or 30s, 2m, ...) for each suite run, staging and re-test. @default the configured timeouts */
  readonly timeout?: string;
  /** Move the base on a pass; without it the gate stops at "mergeable". @default false */
  readonly merge?: boolean;
  /** One JSON object on stdout. @default false */
  readonly json?: boolean;
}

export interface ResolvedStageOptions {
  readonly repo: string;
  readonly branch: string;
  readonly base: string;
  readonly suite: string | null;
  readonly timeoutS: number | null;
  readonly merge: boolean;
  readonly json: boolean;
}

/** The branch checked out in `repo`, or a usage error when HEAD is detached. */
async function currentBranch(repo: string): Promise<string> {
  const result = await runGit(repo, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  if (result.exitCode !== 0 || result.stdout === '') {
    throw new InvalidInputError(`${repo} has no branch checked out (detached HEAD); pass --branch`);
  }
  return result.stdout;
}

export async function resolveStageOptions(options: StageOptions, cwd = process.cwd()): Promise<ResolvedStageOptions> {
  // Cheap checks first, so `--timeout abc` fails before git is asked anything.
  const timeoutS = options.timeout === undefined ? null : parseDuration('--timeout', options.timeout) / 1000;
  if (timeoutS !== null && timeoutS <= 0) throw new InvalidInputError(`--timeout ${JSON.stringify(options.timeout)} is invalid: more than zero`);
  const suite = options.suite === undefined ? null : options.suite.trim();
  if (suite === '') throw new InvalidInputError('--suite is empty: give the command line of the suite, e.g. --suite "npm test"');
  const dir = options.repo ?? cwd;
  // Without --branch, the checked-out one: that needs the work tree first (and says which is not one).
  const branch = options.branch ?? (await currentBranch(await requireWorkTree(dir)));
  const base = options.base ?? 'main';
  await requireBranchName(branch, '--branch');
  await requireBranchName(base, '--base');
  // The work tree and both heads in one git process (each start of a stage pays for every call).
  const { top: repo, heads } = await workTreeAndHeads(dir, [branch, base]);
  if (branch === base) {
    if (options.branch === undefined) throw new InvalidInputError(`${repo} has its base ${JSON.stringify(base)} checked out: nothing to stage against itself; switch to a branch (git switch -c my-change) or pass --branch`);
    throw new InvalidInputError(`--branch and --base are both ${JSON.stringify(base)}; stage a branch other than its base`);
  }
  for (const [i, flag, name] of [[0, '--branch', branch], [1, '--base', base]] as const) {
    if (heads[i] === null) throw new InvalidInputError(`${flag}: branch ${JSON.stringify(name)} does not exist in ${repo}`);
  }
  return Object.freeze({ repo, branch, base, suite, timeoutS, merge: options.merge ?? false, json: options.json ?? false });
}

/** What the flags change in the config: the suite and its timeouts; the config loader validates them. */
export function configOverrides(o: ResolvedStageOptions): Partial<Record<ConfigKey, string>> {
  const out: Partial<Record<string, string>> = {};
  if (o.suite !== null) out.ORCH_STAGING_SUITE_CMD = o.suite;
  if (o.timeoutS !== null) {
    out.ORCH_STAGING_RUNNER_TIMEOUT_S = String(o.timeoutS);
    out.ORCH_MERGE_RETEST_TIMEOUT_S = String(o.timeoutS);
  }
  // orch stage runs the staging runner for this repo whatever the scope says.
  out.ORCH_STAGING_RUNNER_REPOS = o.repo;
  return out as Partial<Record<ConfigKey, string>>;
}
