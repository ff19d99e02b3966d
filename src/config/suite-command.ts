// The staging suite's command line: ORCH_STAGING_SUITE_CMD split with shell-word rules and run
// WITHOUT a shell, or, when it is empty, the repository's own `npm test`. This is the one place
// that decides what "the staging suite" is; the deployer role card names the same setting.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'shell-quote';
import { InvalidInputError } from '../errors.ts';

/** The argv of `npm test`, the default suite when package.json has a test script. */
export const NPM_TEST: readonly string[] = Object.freeze(['npm', 'test']);

/** Why `raw` cannot be a suite command line, or null when it splits into plain words. */
export function suiteCommandProblem(raw: string): string | null {
  // A `$NAME` comes back as an object instead of being expanded, so it can be refused like `|`.
  const words = parse(raw, (name) => ({ variable: name }));
  for (const word of words) {
    if (typeof word === 'string') continue;
    if ('op' in word) return word.op === 'glob' ? `glob ${JSON.stringify(word.pattern)}` : `shell operator ${JSON.stringify(word.op)}`;
    if ('comment' in word) return 'a # comment';
    return `variable $${(word as { variable: string }).variable}`;
  }
  return null;
}

/**
 * Split a configured command line into argv. Operators, globs, comments and `$VARIABLES` are
 * refused: nothing here runs through a shell (wrap the command in `sh -c '...'` if you need one).
 * Returns null for an empty line.
 */
export function parseSuiteCommand(raw: string, key = 'ORCH_STAGING_SUITE_CMD'): readonly string[] | null {
  const problem = suiteCommandProblem(raw);
  if (problem !== null) throw new InvalidInputError(`${key}=${JSON.stringify(raw)} contains a ${problem}; it is run without a shell`);
  const words = parse(raw) as string[];
  return words.length === 0 ? null : Object.freeze(words);
}

/** What to run, and where that came from (for the artifact and the job record). */
export interface SuiteCommand {
  readonly argv: readonly string[];
  /** The key the command line came from (ORCH_STAGING_SUITE_CMD, ORCH_TEST_SUITE_CMD), package.json, or `install` (the dependency install failed, so this names the install command). */
  readonly source: string;
}

/**
 * The suite for `worktree`: the configured command line, else `npm test` when the worktree's
 * package.json has a test script, else null (there is no suite this runner could run).
 */
export function resolveSuiteCommand(configured: string, worktree: string, key = 'ORCH_STAGING_SUITE_CMD'): SuiteCommand | null {
  const argv = parseSuiteCommand(configured, key);
  if (argv !== null) return { argv, source: key };
  const manifest = join(worktree, 'package.json');
  if (!existsSync(manifest)) return null;
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { scripts?: Record<string, unknown> };
  const test = pkg?.scripts?.test;
  return typeof test === 'string' && test.trim() !== '' ? { argv: NPM_TEST, source: 'package.json' } : null;
}

/** Why `raw` cannot be ORCH_STAGING_INSTALL_CMD, or null. */
export function installCommandProblem(raw: string): string | null {
  if (raw.trim() === '' || raw.trim() === 'none') return null;
  try {
    parseSuiteCommand(raw);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
