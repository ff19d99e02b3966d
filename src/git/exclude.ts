// Keeping orch's own files out of commits (issue 13.1, 13.2). An agent's `git add -A` commits
// whatever the repository does not ignore: an ORCH_HOME inside the work tree (orch.db, the task
// worktrees) or a node_modules orch installed. When such a path is not ignored, orch adds it to
// the repository's `info/exclude`, which is local (never committed) and shared by every worktree
// of the repository (the common git dir), and says so once: the next time the path is ignored.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { runGit } from './run.ts';

/**
 * Whether git could find a repository from `dir`: some folder from `dir` up to the root holds a
 * `.git` (a folder, or a worktree's file), or the environment names one (GIT_DIR). When neither
 * holds, git would find none either, and asking it would only cost a process on every start.
 */
function mayBeInRepo(dir: string): boolean {
  if (process.env.GIT_DIR !== undefined || process.env.GIT_WORK_TREE !== undefined) return true;
  for (let at = resolve(dir); ; at = dirname(at)) {
    if (existsSync(join(at, '.git'))) return true;
    if (dirname(at) === at) return false;
  }
}

/** The git work tree `dir` lies in, or null. */
async function workTreeOf(dir: string): Promise<string | null> {
  if (!mayBeInRepo(dir)) return null;
  const top = await runGit(dir, ['rev-parse', '--show-toplevel']).catch(() => null);
  return top && top.exitCode === 0 && top.stdout !== '' ? top.stdout : null;
}

/** `<common git dir>/info/exclude` of the repository `dir` belongs to. */
async function excludeFile(dir: string): Promise<string | null> {
  const common = await runGit(dir, ['rev-parse', '--git-common-dir']);
  if (common.exitCode !== 0 || common.stdout === '') return null;
  const gitDir = isAbsolute(common.stdout) ? common.stdout : resolve(dir, common.stdout);
  return join(gitDir, 'info', 'exclude');
}

/**
 * Make `pattern` (a path relative to the work tree of `dir`, e.g. `/node_modules/`) ignored there.
 * Returns the line to tell people when the exclude file was changed, else null.
 */
export async function ensureIgnored(dir: string, pattern: string): Promise<string | null> {
  const top = await workTreeOf(dir);
  if (top === null) return null;
  const path = pattern.replace(/^\//, '');
  // Tracked content is the repository's business: only untracked paths are excluded.
  const ignored = await runGit(top, ['check-ignore', '-q', '--', path]);
  if (ignored.exitCode === 0) return null;
  const tracked = await runGit(top, ['ls-files', '--', path.replace(/\/$/, '')]);
  if (tracked.exitCode === 0 && tracked.stdout !== '') return null;
  const file = await excludeFile(top);
  if (file === null) return null;
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (existing.split('\n').includes(pattern)) return null;
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${existing === '' || existing.endsWith('\n') ? '' : '\n'}# added by orch: never commit this\n${pattern}\n`);
  return `added ${pattern} to ${file} (local to this clone, never committed) so that git add -A in ${top} leaves it out`;
}

/**
 * When ORCH_HOME lies inside a git work tree (and is not that tree's root), make sure the
 * repository ignores it. Returns the line to tell people once, or null.
 */
export async function protectHome(home: string): Promise<string | null> {
  const abs = resolve(home);
  if (!existsSync(abs)) return null;
  const top = await workTreeOf(abs);
  if (top === null) return null;
  const rel = relative(top, abs);
  if (rel === '' || rel.startsWith('..')) return null;
  const note = await ensureIgnored(top, `/${rel.split(sep).join('/')}/`);
  return note === null ? null : `ORCH_HOME ${abs} lies inside the git work tree ${top}: ${note}`;
}
