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

const IDENTITY = ['-c', 'user.name=orch-test', '-c', 'user.email=orch-test@example.invalid', '-c', 'commit.gpgsign=false'];

export async function makeTempRepo(options: TempRepoOptions = {}): Promise<TempRepo> {
  const root = mkdtempSync(join(tmpdir(), 'orch-repo-'));
  const dir = join(root, 'repo');
  cpSync(join(FIXTURES, options.fixture ?? 'sample'), dir, { recursive: true });
  const run = async (...args: string[]) =>
    (await execa('git', [...IDENTITY, '-C', dir, ...args], { env: { GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' } })).stdout;
  const branch = options.branch ?? 'feature/change';
  await run('init', '--quiet', '--initial-branch=main');
  await run('add', '--all');
  await run('commit', '--quiet', '-m', 'sample project');
  await run('checkout', '--quiet', '-b', branch);
  const commit = async (file: string, content: string, message = `change ${file}`) => {
    writeFileSync(join(dir, file), content);
    await run('add', '--', file);
    await run('commit', '--quiet', '-m', message);
    return run('rev-parse', 'HEAD');
  };
  for (let i = 0; i < (options.featureCommits ?? 1); i++) await commit(`change-${i}.txt`, `change ${i}\n`);
  await run('checkout', '--quiet', 'main');
  return { dir, base: 'main', branch, git: run, commit, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
