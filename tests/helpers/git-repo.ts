// Real temp git repositories made from a fixture folder: `main` holds the fixture, a feature
// branch adds commits on top. Tests own the folder and remove it with cleanup().
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/repos');

export interface TempRepo {
  /** Absolute path of the work tree. */
  readonly dir: string;
  readonly base: string;
  readonly branch: string;
  /** Run git in the repo with a fixed identity; resolves to stdout. */
  git(...args: string[]): Promise<string>;
  /** Add a commit on the current branch that writes `file`. */
  commit(file: string, content: string, message?: string): Promise<string>;
  cleanup(): void;
}

export interface TempRepoOptions {
  /** Folder under fixtures/repos. @default 'sample' */
  fixture?: string;
  /** @default 'feature/change' */
  branch?: string;
  /** Commits the feature branch has that main does not. @default 1 */
  featureCommits?: number;
}

// No background maintenance after each commit: a test repo lives for seconds, and each would be a process.
const IDENTITY = ['-c', 'user.name=orch-test', '-c', 'user.email=orch-test@example.invalid', '-c', 'commit.gpgsign=false', '-c', 'maintenance.auto=false'];

function tempRepoAt(root: string, branch: string): TempRepo {
  const dir = join(root, 'repo');
  const run = async (...args: string[]) =>
    (await execa('git', [...IDENTITY, '-C', dir, ...args], { env: { GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' }, cleanup: false })).stdout;
  const commit = async (file: string, content: string, message = `change ${file}`) => {
    writeFileSync(join(dir, file), content);
    await run('add', '--', file);
    await run('commit', '--quiet', '-m', message);
    return run('rev-parse', 'HEAD');
  };
  return { dir, base: 'main', branch, git: run, commit, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export async function makeTempRepo(options: TempRepoOptions = {}): Promise<TempRepo> {
  const root = mkdtempSync(join(tmpdir(), 'orch-repo-'));
  const repo = tempRepoAt(root, options.branch ?? 'feature/change');
  cpSync(join(FIXTURES, options.fixture ?? 'sample'), repo.dir, { recursive: true });
  await repo.git('init', '--quiet', '--initial-branch=main');
  await repo.git('add', '--all');
  await repo.git('commit', '--quiet', '-m', 'sample project');
  await repo.git('checkout', '--quiet', '-b', repo.branch);
  for (let i = 0; i < (options.featureCommits ?? 1); i++) await repo.commit(`change-${i}.txt`, `change ${i}\n`);
  await repo.git('checkout', '--quiet', 'main');
  return repo;
}

/** A byte copy of `source` (work tree and .git) in a new temp folder: no git runs, so it is cheap. */
export function copyTempRepo(source: TempRepo): TempRepo {
  const root = mkdtempSync(join(tmpdir(), 'orch-repo-'));
  cpSync(source.dir, join(root, 'repo'), { recursive: true });
  return tempRepoAt(root, source.branch);
}
