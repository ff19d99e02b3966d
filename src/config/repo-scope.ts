// Which repositories the staging runner takes over: ORCH_STAGING_RUNNER_REPOS is a CSV of repo
// names (the folder's base name) or paths, or `*` for all. The config loader already trimmed the
// entries and dropped empty ones; here they are classified once and matched against a task's repo.
import { realpathSync } from 'node:fs';
import { basename, resolve } from 'node:path';

export interface RepoScope {
  /** `*` was listed: every repository is in scope. */
  readonly all: boolean;
  /** Base names, compared with the base name of the task's repo. */
  readonly names: ReadonlySet<string>;
  /** Absolute paths (symlinks resolved when the path exists), compared with the task's repo path. */
  readonly paths: ReadonlySet<string>;
  /** The entries as configured, for messages and GET /queue. */
  readonly entries: readonly string[];
}

/** An entry is a path when it has a slash or is `.`/`..`; anything else is a repo name. */
export function isPathEntry(entry: string): boolean {
  return entry.includes('/') || entry === '.' || entry === '..';
}

/** Why `entry` cannot be a scope entry, or null. `*` is only a wildcard on its own. */
export function scopeEntryProblem(entry: string): string | null {
  if (entry !== '*' && entry.includes('*')) return `${JSON.stringify(entry)}: * is only allowed alone (meaning every repository), not as a pattern`;
  return null;
}

function canonical(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}

/** Classify the configured entries; relative paths are taken from `cwd`. */
export function parseRepoScope(entries: readonly string[], cwd = process.cwd()): RepoScope {
  const names = new Set<string>();
  const paths = new Set<string>();
  for (const entry of entries) {
    if (entry === '*') continue;
    if (isPathEntry(entry)) paths.add(canonical(resolve(cwd, entry)));
    else names.add(entry);
  }
  return Object.freeze({ all: entries.includes('*'), names, paths, entries: Object.freeze([...entries]) });
}

/** Whether the task's repository (an absolute path, as `git rev-parse --show-toplevel` gives it) is in scope. */
export function repoInScope(scope: RepoScope, repo: string): boolean {
  if (scope.all) return true;
  if (scope.names.has(basename(repo))) return true;
  return scope.paths.size > 0 && scope.paths.has(canonical(repo));
}
