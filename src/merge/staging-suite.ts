// The default re-test is "the staging suite" (SPEC §7). The staging runner owns that setting
// (ORCH_STAGING_SUITE_CMD, SPEC §6) but has not landed on main yet, so this tiny resolver reads
// it the same way: the configured command, else `npm test` when the worktree's package.json has a
// test script. TODO(staging): replace with the staging runner's own resolver once both are merged.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/keys.ts';
import { splitCommand } from './command.ts';

export const STAGING_SUITE_KEY = 'ORCH_STAGING_SUITE_CMD';

export type SuiteCommand = { readonly argv: readonly string[]; readonly source: string } | { readonly problem: string };

function hasTestScript(worktree: string): boolean {
  try {
    const pkg: unknown = JSON.parse(readFileSync(join(worktree, 'package.json'), 'utf8'));
    const scripts = (pkg as { scripts?: unknown } | null)?.scripts;
    return typeof scripts === 'object' && scripts !== null && typeof (scripts as Record<string, unknown>).test === 'string';
  } catch {
    return false;
  }
}

/** The staging suite's argv for `worktree`: the config key (or, until it is one, the variable), else `npm test`. */
export function resolveStagingSuite(config: Config, worktree: string, env: NodeJS.ProcessEnv = process.env): SuiteCommand {
  const fromConfig = (config as Readonly<Record<string, unknown>>)[STAGING_SUITE_KEY];
  const text = typeof fromConfig === 'string' ? fromConfig : (env[STAGING_SUITE_KEY] ?? '');
  if (text.trim() !== '') {
    const split = splitCommand(text);
    return 'argv' in split ? { argv: split.argv, source: STAGING_SUITE_KEY } : { problem: `${STAGING_SUITE_KEY} ${split.problem}` };
  }
  if (hasTestScript(worktree)) return { argv: ['npm', 'test'], source: 'npm test (package.json)' };
  return { problem: `no re-test command: ORCH_MERGE_RETEST_CMD and ${STAGING_SUITE_KEY} are empty and ${worktree} has no package.json test script` };
}

/** The re-test command: ORCH_MERGE_RETEST_CMD when set, else the staging suite. */
export function resolveRetestCommand(config: Config, worktree: string): SuiteCommand {
  const own = config.ORCH_MERGE_RETEST_CMD;
  if (own.trim() === '') return resolveStagingSuite(config, worktree);
  const split = splitCommand(own);
  return 'argv' in split ? { argv: split.argv, source: 'ORCH_MERGE_RETEST_CMD' } : { problem: `ORCH_MERGE_RETEST_CMD ${split.problem}` };
}
