// Branch names come from users and agents: each is checked with `git check-ref-format --branch`
// and refused when it could be read as an option, before it reaches any other git call.
import { InvalidInputError } from '../errors.ts';
import { runGit } from './run.ts';

/**
 * git's verdict on names without `@`, which depends on the name alone (a name with `@` may be
 * `@{-1}`, which expands differently in each repo and over time): a worker checks the same few
 * names for every task, and each check would be a process. Bounded: cleared when full.
 */
const verdicts = new Map<string, boolean>();
const MAX_VERDICTS = 1_000;

async function gitAcceptsBranchName(name: string, repo: string | null): Promise<boolean> {
  const known = verdicts.get(name);
  if (known !== undefined) return known;
  // check-ref-format takes no `--`; the leading-dash check in branchNameProblem keeps this call safe.
  const result = await runGit(repo, ['check-ref-format', '--branch', name]);
  // Inside a repo, `@{-1}` style names expand to another branch: only a name that maps to itself is a name.
  const accepted = result.exitCode === 0 && result.stdout === name;
  if (!name.includes('@')) {
    if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
    verdicts.set(name, accepted);
  }
  return accepted;
}

/** Why `name` cannot be a branch name, or null when git accepts it as one. */
export async function branchNameProblem(name: string, repo: string | null = null): Promise<string | null> {
  if (name.length === 0) return 'a branch name must not be empty';
  if (name.startsWith('-')) return `branch name ${JSON.stringify(name)} starts with "-" and could be read as an option; names must not start with "-"`;
  if (!(await gitAcceptsBranchName(name, repo))) {
    return `${JSON.stringify(name)} is not a valid branch name (git check-ref-format --branch refuses it)`;
  }
  return null;
}

/** The name unchanged, or an InvalidInputError saying what is wrong with it. */
export async function requireBranchName(name: string, what = 'branch', repo: string | null = null): Promise<string> {
  const problem = await branchNameProblem(name, repo);
  if (problem !== null) throw new InvalidInputError(`${what}: ${problem}`);
  return name;
}

/** The full ref of a local branch; callers pass only names that passed requireBranchName. */
export function headRef(branch: string): string {
  return `refs/heads/${branch}`;
}
