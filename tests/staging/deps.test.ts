// The dependency step (issue 13.1, 13.3): which install a worktree gets, what its key depends on,
// the one line of a failed install and of a suite that could not run, and the install-then-cache
// path with a stand-in install command (the real registry install is tests/stage/npm-library.test.ts).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { causeLine, stripShellPrefix } from '../../src/staging/cause.ts';
import { declaresDependencies, installErrorLine, planInstall, prepareDependencies } from '../../src/staging/deps.ts';
import { installCommandProblem } from '../../src/config/suite-command.ts';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));
function worktree(files: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), 'orch-deps-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
const PKG = JSON.stringify({ name: 'x', dependencies: { ms: '2.1.3' } });

describe('planInstall', () => {
  test.each([
    ['package-lock.json', 'npm', ['npm', 'ci', '--no-audit', '--no-fund']],
    ['npm-shrinkwrap.json', 'npm', ['npm', 'ci', '--no-audit', '--no-fund']],
    ['pnpm-lock.yaml', 'pnpm', ['pnpm', 'install', '--frozen-lockfile']],
    ['yarn.lock', 'yarn', ['yarn', 'install', '--frozen-lockfile', '--non-interactive']],
  ])('%s -> %s', (lockfile, manager, argv) => {
    const plan = planInstall('', worktree({ 'package.json': PKG, [lockfile]: 'lock' }));
    expect(plan).toMatchObject({ manager, argv, lockfile, source: 'auto' });
  });

  test('no lockfile: npm install that writes none; no package.json or `none`: nothing', () => {
    expect(planInstall('', worktree({ 'package.json': PKG }))).toMatchObject({ argv: ['npm', 'install', '--no-audit', '--no-fund', '--no-package-lock'], lockfile: null });
    expect(planInstall('none', dir)).toBeNull();
    rmSync(join(dir, 'package.json'));
    expect(planInstall('', dir)).toBeNull();
  });

  test('the key changes with package.json, the lockfile and the command, and only with them', () => {
    const wt = worktree({ 'package.json': PKG, 'package-lock.json': '{"v":1}', 'README.md': 'a' });
    const key = planInstall('', wt)?.key;
    writeFileSync(join(wt, 'README.md'), 'b');
    expect(planInstall('', wt)?.key).toBe(key);
    writeFileSync(join(wt, 'package-lock.json'), '{"v":2}');
    const lockKey = planInstall('', wt)?.key;
    expect(lockKey).not.toBe(key);
    writeFileSync(join(wt, 'package.json'), JSON.stringify({ name: 'x', dependencies: { ms: '2.1.2' } }));
    expect(planInstall('', wt)?.key).not.toBe(lockKey);
    expect(planInstall('npm ci --ignore-scripts', wt)).toMatchObject({ argv: ['npm', 'ci', '--ignore-scripts'], source: 'ORCH_STAGING_INSTALL_CMD' });
    expect(planInstall('npm ci --ignore-scripts', wt)?.key).not.toBe(planInstall('', wt)?.key);
  });

  test('declaresDependencies: any dependency field or workspaces; none is nothing to install', () => {
    expect(declaresDependencies(worktree({ 'package.json': JSON.stringify({ name: 'x', scripts: { test: 'node t.js' } }) }))).toBe(false);
    rmSync(dir, { recursive: true });
    expect(declaresDependencies(worktree({ 'package.json': JSON.stringify({ devDependencies: { uvu: '0.5.6' } }) }))).toBe(true);
    rmSync(dir, { recursive: true });
    expect(declaresDependencies(worktree({ 'package.json': JSON.stringify({ workspaces: ['a'] }) }))).toBe(true);
  });

  test('ORCH_STAGING_INSTALL_CMD: shell syntax is refused with the reason, empty and none are fine', () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-deps-'));
    expect(installCommandProblem('')).toBeNull();
    expect(installCommandProblem('none')).toBeNull();
    expect(installCommandProblem('npm ci && npm run build')).toMatch(/shell operator "&&"/);
  });
});

describe('one-line causes', () => {
  test('npm: the error line with its code, not the "complete log" line', () => {
    const stderr = [
      'npm error code E404',
      'npm error 404 Not Found - GET https://registry.npmjs.org/nope-zzq - Not found',
      'npm error 404',
      "npm error 404  'nope-zzq@1.0.0' is not in this registry.",
      'npm error A complete log of this run can be found in: /root/.npm/_logs/x.log',
    ].join('\n');
    expect(installErrorLine(stderr)).toBe('E404: Not Found - GET https://registry.npmjs.org/nope-zzq - Not found');
    dir = mkdtempSync(join(tmpdir(), 'orch-deps-'));
  });

  test('pnpm and anything else: its error line, else the last line printed', () => {
    expect(installErrorLine(' ERR_PNPM_OUTDATED_LOCKFILE  Cannot install with "frozen-lockfile"\n')).toBe('ERR_PNPM_OUTDATED_LOCKFILE  Cannot install with "frozen-lockfile"');
    expect(installErrorLine('', 'resolving\nsomething odd happened\n')).toBe('something odd happened');
    dir = mkdtempSync(join(tmpdir(), 'orch-deps-'));
  });

  test('a 127 names the missing program from the output; a timeout its limit', () => {
    const base = { signal: null, error: null, stdoutTail: '' } as const;
    expect(causeLine({ ...base, outcome: 'exited', exitCode: 127, stderrTail: '> x@1.0.0 test\nsh: 1: uvu: not found\n' })).toBe('uvu: not found');
    expect(causeLine({ ...base, outcome: 'exited', exitCode: 127, stderrTail: '' })).toBe('exit 127: a command of the suite was not found');
    expect(causeLine({ ...base, outcome: 'timeout', exitCode: null, stderrTail: '' }, 900_000)).toBe('timeout after 900 s');
    expect(causeLine({ ...base, outcome: 'exited', exitCode: 1, stderrTail: '' })).toBe('the suite exited with code 1');
    expect(causeLine({ ...base, outcome: 'exited', exitCode: 0, stderrTail: '' })).toBeNull();
    expect(stripShellPrefix('/bin/sh: line 1: uvu: command not found')).toBe('uvu: command not found');
    dir = mkdtempSync(join(tmpdir(), 'orch-deps-'));
  });
});

describe('prepareDependencies (one real install command, no registry)', () => {
  test('an install says so before it runs; the next worktree of the same key is linked from the cache, silently', async () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-deps-'));
    const trees = [join(dir, 'wt1'), join(dir, 'wt2')];
    for (const t of trees) {
      mkdirSync(t);
      writeFileSync(join(t, 'package.json'), PKG);
    }
    // The "package manager": node writing node_modules/ms/index.js, run without a shell like any install.
    const installCmd = `${process.execPath} -e "require('fs').mkdirSync('node_modules/ms',{recursive:true});require('fs').writeFileSync('node_modules/ms/index.js','')"`;
    const options = { installCmd, cacheDir: join(dir, 'cache'), logDir: join(dir, 'logs'), timeoutMs: 60_000, graceMs: 1000, treeKill: true };
    const notices: string[] = [];
    const first = await prepareDependencies(options, { worktree: trees[0] as string, env: process.env, notice: (l) => notices.push(l) });
    expect(first).toMatchObject({ kind: 'ready', from: 'install' });
    expect(notices).toEqual([expect.stringMatching(/^installing dependencies: `.+ -e .+` \(no cached install for key [0-9a-f]{12}; later stages of this key link it from the cache\)$/)]);
    const second = await prepareDependencies(options, { worktree: trees[1] as string, env: process.env, notice: (l) => notices.push(l) });
    expect(second).toMatchObject({ kind: 'ready', from: 'cache' });
    expect(existsSync(join(trees[1] as string, 'node_modules/ms/index.js'))).toBe(true);
    expect(notices).toHaveLength(1);
  });
});
