// Questions orch asks a repository. Refs are always full (`refs/heads/<name>`) and go after
// `--end-of-options`, so even a name that slipped past validation cannot become an option.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidInputError } from '../errors.ts';
import { git, runGit } from './run.ts';
import { headRef } from './refs.ts';

/** The top-level folder of the work tree that holds `dir`, or an InvalidInputError. */
export async function requireWorkTree(dir: string): Promise<string> {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) {
    throw new InvalidInputError(`repo ${JSON.stringify(dir)} is not a folder; --repo takes the folder of a git work tree`);
  }
  const result = await runGit(abs, ['rev-parse', '--show-toplevel']);
  if (result.exitCode !== 0 || result.stdout === '') {
    throw new InvalidInputError(`repo ${JSON.stringify(dir)} is not a git repository with a work tree; --repo takes the folder of a git work tree`);
  }
  return result.stdout;
}

/**
 * The top-level folder of the work tree that holds `dir` and the commit each branch points at, in
 * one git process when all exist (the common case: a task add asks this for every task).
 * Otherwise the questions one by one, for the error that names what is missing: an
 * InvalidInputError for a folder that is not a work tree; null for a branch that does not exist.
 */
export async function workTreeAndHeads(dir: string, branches: readonly string[]): Promise<{ top: string; heads: (string | null)[] }> {
  const abs = resolve(dir);
  if (existsSync(abs) && statSync(abs).isDirectory()) {
    const refs = branches.map((b) => `${headRef(b)}^{commit}`);
    // rev-parse echoes `--end-of-options` and `--` among its answers: toplevel, marker, one commit per ref, marker.
    const result = await runGit(abs, ['rev-parse', '--show-toplevel', '--end-of-options', ...refs, '--']);
    const lines = result.stdout.split('\n');
    if (result.exitCode === 0 && lines.length === refs.length + 3 && lines[0] !== '') {
      return { top: lines[0] as string, heads: lines.slice(2, 2 + refs.length) };
    }
  }
  const top = await requireWorkTree(dir);
  const heads: (string | null)[] = [];
  for (const branch of branches) heads.push(await branchHead(top, branch));
  return { top, heads };
}

/** The commit a local branch points at, or null when there is no such branch. */
export async function branchHead(repo: string, branch: string): Promise<string | null> {
  const result = await runGit(repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${headRef(branch)}^{commit}`]);
  return result.exitCode === 0 ? result.stdout : null;
}

/** Number of commits on `branch` that are not on `base`. */
export async function commitsAhead(repo: string, base: string, branch: string): Promise<number> {
  const out = await git(repo, ['rev-list', '--count', '--end-of-options', `${headRef(base)}..${headRef(branch)}`, '--']);
  return Number.parseInt(out, 10);
}
