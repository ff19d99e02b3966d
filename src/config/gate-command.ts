// Commands configured as one string (ORCH_MERGE_RETEST_CMD, ORCH_COVERAGE_CMD) follow the staging
// suite's rules (src/config/suite-command.ts): shell words, run WITHOUT a shell, so operators,
// globs, comments and `$VARIABLES` are refused. The default re-test IS the staging suite.
import type { Config } from './keys.ts';
import { errorMessage } from '../errors.ts';
import { resolveSuiteCommand, suiteCommandProblem } from './suite-command.ts';
import { parse } from 'shell-quote';

/** argv of `text`, or a message saying what a shell-free command cannot contain. */
export function splitCommand(text: string): { argv: string[] } | { problem: string } {
  const problem = suiteCommandProblem(text);
  if (problem !== null) return { problem: `contains a ${problem}; it is run without a shell (name a script instead)` };
  const argv = parse(text) as string[];
  if (argv.length === 0) return { problem: 'is empty' };
  return { argv };
}

/** True for an empty value (meaning "the default") or a command splitCommand accepts. */
export function isCommandOrEmpty(text: string): boolean {
  return text.trim() === '' || 'argv' in splitCommand(text);
}

export type ResolvedCommand = { readonly argv: readonly string[]; readonly source: string } | { readonly problem: string };

/** The re-test: ORCH_MERGE_RETEST_CMD when set, else the staging suite for this worktree. */
export function resolveRetestCommand(config: Config, worktree: string): ResolvedCommand {
  if (config.ORCH_MERGE_RETEST_CMD.trim() !== '') {
    const split = splitCommand(config.ORCH_MERGE_RETEST_CMD);
    return 'argv' in split ? { argv: split.argv, source: 'ORCH_MERGE_RETEST_CMD' } : { problem: `ORCH_MERGE_RETEST_CMD ${split.problem}` };
  }
  try {
    const suite = resolveSuiteCommand(config.ORCH_STAGING_SUITE_CMD, worktree);
    if (suite !== null) return { argv: suite.argv, source: `the staging suite (${suite.source})` };
  } catch (error) {
    return { problem: `the staging suite cannot be resolved: ${errorMessage(error)}` };
  }
  return { problem: `no re-test command: ORCH_MERGE_RETEST_CMD and ORCH_STAGING_SUITE_CMD are empty and ${worktree} has no package.json test script` };
}
