// Issue 13 acceptance: `orch stage` on a real npm library built here (one runtime dependency, `ms`,
// and a test runner, `uvu`, both from the npm registry; `npm install` once for the lockfile), with
// ORCH_HOME outside the repository. Green 0, red 1 with its cause on stderr, fix-and-restage 0,
// a stage without --merge that no worker merges, --merge fast-forwards, a branch adding a
// dependency gets its own install, and the dependency cache reused by hard links.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NESTED_MARK } from '../../src/stage/guard.ts';
import { KEY_FILE, planInstall } from '../../src/staging/deps.ts';
import { cli } from '../helpers/cli.ts';

const IDENTITY = ['-c', 'user.name=orch-test', '-c', 'user.email=orch-test@example.invalid', '-c', 'commit.gpgsign=false'];
const BRANCH = 'feature/hours';

const PACKAGE = {
  name: 'durations',
  version: '1.0.0',
  private: true,
  type: 'module',
  scripts: { test: 'uvu tests' },
  dependencies: { ms: '2.1.3' },
  devDependencies: { uvu: '0.5.6' },
};
const INDEX_OK = "import ms from 'ms';\nexport const duration = (text) => ms(text);\n";
const INDEX_RED = "import ms from 'ms';\nexport const duration = (text) => ms(text) + 1;\n";
const TEST = "import { test } from 'uvu';\nimport * as assert from 'uvu/assert';\nimport { duration } from '../index.js';\n\ntest('one hour', () => {\n  assert.is(duration('1h'), 3600000);\n});\n\ntest.run();\n";

interface Repo {
  readonly dir: string;
  git(...args: string[]): Promise<string>;
  /** Write files on the branch and commit them; returns the new tip. */
  commit(files: Record<string, string>, message: string): Promise<string>;
}

function repoAt(dir: string): Repo {
  const git = async (...args: string[]) => (await execa('git', [...IDENTITY, '-C', dir, ...args], { env: { GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' } })).stdout;
  return {
    dir,
    git,
    async commit(files, message) {
      for (const [name, text] of Object.entries(files)) {
        mkdirSync(join(dir, name, '..'), { recursive: true });
        writeFileSync(join(dir, name), text);
      }
      await git('add', '--all');
      await git('commit', '--quiet', '-m', message);
      return git('rev-parse', 'HEAD');
    },
  };
}

const cleanups: Array<() => void> = [];
let template: string;
/** A dependency cache already holding the template's install: most tests start warm. */
let seedCache: string;

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'orch-npmlib-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  template = join(root, 'repo');
  mkdirSync(join(template, 'tests'), { recursive: true });
  writeFileSync(join(template, 'package.json'), `${JSON.stringify(PACKAGE, null, 2)}\n`);
  writeFileSync(join(template, 'index.js'), INDEX_OK);
  writeFileSync(join(template, 'tests/duration.js'), TEST);
  writeFileSync(join(template, '.gitignore'), 'node_modules/\n');
  // Once, for the lockfile (the packages land in npm's own cache, so later `npm ci` runs are local).
  await execa('npm', ['install', '--no-audit', '--no-fund'], { cwd: template, env: { npm_config_update_notifier: 'false' } });
  const repo = repoAt(template);
  await repo.git('init', '--quiet', '--initial-branch=main');
  await repo.git('add', '--all');
  await repo.git('commit', '--quiet', '-m', 'durations library');
  await repo.git('checkout', '--quiet', '-b', BRANCH);
  await repo.commit({ 'README.md': '# durations\n' }, 'readme');
  await repo.git('checkout', '--quiet', 'main');
  // The seed cache: what one cold stage leaves under ORCH_HOME/cache/deps, made by hand here.
  seedCache = join(root, 'seed-cache');
  const key = planInstall('', template)?.key as string;
  mkdirSync(join(seedCache, key), { recursive: true });
  await execa('cp', ['-al', join(template, 'node_modules'), join(seedCache, key, 'node_modules')]);
  writeFileSync(join(seedCache, key, 'node_modules', KEY_FILE), `${key}\n`);
  rmSync(join(template, 'node_modules'), { recursive: true, force: true });
});

afterAll(() => {
  for (const c of cleanups.reverse()) c();
});

/** A copy of the library repo and an ORCH_HOME outside it (warm: the seed cache linked in). */
async function fresh(options: { warm?: boolean } = {}): Promise<{ repo: Repo; home: string; env: Record<string, string> }> {
  const root = mkdtempSync(join(tmpdir(), 'orch-npmlib-run-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  cpSync(template, join(root, 'repo'), { recursive: true });
  const home = join(root, 'home');
  if (options.warm ?? true) {
    mkdirSync(join(home, 'cache'), { recursive: true });
    await execa('cp', ['-al', seedCache, join(home, 'cache', 'deps')]);
  }
  const env = { ORCH_HOME: home, ORCH_KILL_GRACE_S: '0.2', ORCH_STAGING_RUNNER_RETRY_BACKOFF_S: '0', ORCH_MERGE_RETRY_BACKOFF_S: '0', [NESTED_MARK]: '' };
  return { repo: repoAt(join(root, 'repo')), home, env };
}

const stage = (repo: Repo, env: Record<string, string>, ...args: string[]) => cli(['stage', '--repo', repo.dir, '--branch', BRANCH, '--json', ...args], env);

describe('a real npm library, ORCH_HOME outside the repo', () => {
  test('cold: dependencies installed in the worktree and cached; green 0; again 0 (same verdict); a worker leaves main alone; --merge fast-forwards', async () => {
    const { repo, home, env } = await fresh({ warm: false });
    const main0 = await repo.git('rev-parse', 'main');
    const first = await stage(repo, env);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ verdict: 'advanced', staging: { status: 'PASSED', exitCode: 0 }, mergeGate: { action: 'mergeable', merged: false }, cause: null });
    const artifact = readFileSync(JSON.parse(first.stdout).staging.artifact, 'utf8');
    expect(artifact).toMatch(/- Dependencies: installed with `npm ci --no-audit --no-fund`/);
    // The worktree's tools came from the install, and the install is in the cache under ORCH_HOME.
    const worktree = join(home, 'worktrees', '1');
    expect(existsSync(join(worktree, 'node_modules', 'uvu', 'package.json'))).toBe(true);
    const key = planInstall('', worktree)?.key as string;
    const cached = join(home, 'cache', 'deps', key, 'node_modules', 'ms', 'package.json');
    expect(statSync(cached).ino).toBe(statSync(join(worktree, 'node_modules', 'ms', 'package.json')).ino);

    const again = await stage(repo, env);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ verdict: 'advanced', staging: null, mergeGate: { classification: 'pass', action: 'mergeable', merged: false } });
    const listed = JSON.parse((await cli(['task', 'list', '--json'], env)).stdout);
    expect(listed).toMatchObject([{ id: 1, state: 'active', substate: 'mergeable' }]);

    // No worker, sweep or `orch advance` moves a mergeable task.
    const worker = await cli(['worker', '--until-idle'], env);
    expect(worker.code, worker.stderr).toBe(0);
    const advance = await cli(['advance', '1'], env);
    expect(advance.code).not.toBe(0);
    expect(advance.stderr).toContain('mergeable');
    expect(await repo.git('rev-parse', 'main')).toBe(main0);

    const merged = await stage(repo, env, '--merge');
    expect(merged.code, merged.stderr).toBe(0);
    const tip = await repo.git('rev-parse', BRANCH);
    expect(JSON.parse(merged.stdout)).toMatchObject({ verdict: 'advanced', mergeGate: { action: 'merge', merged: true, baseAfter: tip } });
    expect(await repo.git('rev-parse', 'main')).toBe(tip);
    // Linear: main fast-forwarded to the branch, no merge commit.
    expect(await repo.git('rev-list', '--merges', '--count', 'main')).toBe('0');
  });

  test('red 1 with the cause and the log on stderr; fixed by hand and staged again: 0 (a new attempt on the same task)', async () => {
    const { repo, env } = await fresh();
    await repo.git('checkout', '--quiet', BRANCH);
    await repo.commit({ 'index.js': INDEX_RED }, 'off by one');
    const red = await stage(repo, env);
    expect(red.code, red.stderr).toBe(1);
    const report = JSON.parse(red.stdout);
    expect(report).toMatchObject({ verdict: 'rolled-back', staging: { status: 'FAILED', exitCode: 1 }, cause: 'the suite exited with code 1' });
    expect(red.stderr).toContain('orch stage: rolled-back: the suite exited with code 1');
    expect(red.stderr).toMatch(/orch stage: full log: \S+/);
    expect(readFileSync(report.staging.artifact, 'utf8')).toContain('- Dependencies: linked from the cache');

    await repo.commit({ 'index.js': INDEX_OK }, 'fix');
    const fixed = await stage(repo, env, '--merge');
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(JSON.parse(fixed.stdout)).toMatchObject({ task: { id: 1 }, verdict: 'advanced', staging: { status: 'PASSED' }, mergeGate: { merged: true } });
    expect(await repo.git('rev-parse', 'main')).toBe(await repo.git('rev-parse', BRANCH));
    const shown = JSON.parse((await cli(['task', 'show', '1', '--json'], env)).stdout);
    // History kept: the rollback and the new attempt are both in the task's record.
    expect(shown.transitions.map((t: { from_stage: string; to_stage: string }) => `${t.from_stage}->${t.to_stage}`)).toEqual(['deploy-staging->development', 'development->deploy-staging', 'deploy-staging->deploy']);
  });

  test('a branch that adds a dependency gets its own cache key and sees it installed', async () => {
    const { repo, home, env } = await fresh();
    await repo.git('checkout', '--quiet', BRANCH);
    const keyBefore = planInstall('', repo.dir)?.key;
    // package.json and lockfile change together, as `npm install escape-string-regexp` would leave them.
    const pkg = { ...PACKAGE, dependencies: { ...PACKAGE.dependencies, 'escape-string-regexp': '5.0.0' } };
    writeFileSync(join(repo.dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
    await execa('npm', ['install', '--package-lock-only', '--no-audit', '--no-fund'], { cwd: repo.dir });
    const test2 = "import { test } from 'uvu';\nimport * as assert from 'uvu/assert';\nimport escape from 'escape-string-regexp';\n\ntest('escapes', () => {\n  assert.is(escape('a.b'), 'a\\\\.b');\n});\n\ntest.run();\n";
    await repo.commit({ 'tests/escape.js': test2 }, 'use escape-string-regexp');
    const keyAfter = planInstall('', repo.dir)?.key;
    expect(keyAfter).not.toBe(keyBefore);
    const run = await stage(repo, env);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(JSON.parse(run.stdout).staging.artifact, 'utf8')).toMatch(/- Dependencies: installed with `npm ci/);
    expect(existsSync(join(home, 'cache', 'deps', keyAfter as string, 'node_modules', 'escape-string-regexp'))).toBe(true);
  });

  test('a missing test runner: exit 75 with `<program>: not found` and the log path on stderr', async () => {
    const { repo, env } = await fresh();
    await repo.git('checkout', '--quiet', BRANCH);
    const pkg = { ...PACKAGE, scripts: { test: 'uvu-nowhere tests' } };
    await repo.commit({ 'package.json': `${JSON.stringify(pkg, null, 2)}\n` }, 'a runner that is not installed');
    // package.json changed, so this is a new key: the lockfile still matches (same dependencies).
    const run = await stage(repo, env);
    expect(run.code, run.stderr).toBe(75);
    expect(JSON.parse(run.stdout)).toMatchObject({ verdict: 'deferred', staging: { outcome: 'tool-error' }, cause: 'uvu-nowhere: not found' });
    expect(run.stderr).toContain('orch stage: deferred: uvu-nowhere: not found');
    expect(run.stderr).toMatch(/orch stage: full log: \S+/);
  });

  test('an install that fails is a tool error whose cause is the package manager\'s error line', async () => {
    const { repo, env } = await fresh();
    await repo.git('checkout', '--quiet', BRANCH);
    // package.json asks for a dependency the lockfile does not have: npm ci refuses.
    const pkg = { ...PACKAGE, dependencies: { ...PACKAGE.dependencies, 'escape-string-regexp': '5.0.0' } };
    await repo.commit({ 'package.json': `${JSON.stringify(pkg, null, 2)}\n` }, 'lockfile out of sync');
    const run = await stage(repo, env);
    expect(run.code, run.stderr).toBe(75);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ verdict: 'deferred', staging: { outcome: 'tool-error' } });
    expect(report.cause).toMatch(/in sync|escape-string-regexp/);
    expect(run.stderr).toContain(`orch stage: deferred: ${report.cause}`);
  });
});
