// orch stage end to end on temp repos built from fixtures/repos/sample with the fixture suites:
// the verdicts and exit codes of SPEC §11, the base moved only with --merge, nothing left
// running, stdout holding only the JSON object, and bad input refused before anything is written.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { quote } from 'shell-quote';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NESTED_MARK } from '../../src/stage/guard.ts';
import { cli } from '../helpers/cli.ts';
import { copyTempRepo, makeTempRepo, type TempRepo } from '../helpers/git-repo.ts';
import { scaled } from '../helpers/time.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SUITES = join(ROOT, 'fixtures/suites');
const suite = (name: string, ...args: string[]) => quote([join(SUITES, name), ...args]);

let template: TempRepo;
const cleanups: Array<() => void> = [];
beforeAll(async () => {
  template = await makeTempRepo();
});
afterAll(() => {
  for (const c of cleanups) c();
  template.cleanup();
});

/** A fresh copy of the sample repo and a fresh ORCH_HOME, removed after the file. */
function fresh(): { repo: TempRepo; home: string; env: Record<string, string> } {
  const repo = copyTempRepo(template);
  const home = mkdtempSync(join(tmpdir(), 'orch-stage-'));
  cleanups.push(() => repo.cleanup(), () => rmSync(home, { recursive: true, force: true }));
  // The nested-run mark is cleared so these tests also pass inside a suite that orch stage runs.
  const env = { ORCH_HOME: home, ORCH_KILL_GRACE_S: '0.2', ORCH_STAGING_RUNNER_RETRY_BACKOFF_S: '0', ORCH_MERGE_RETRY_BACKOFF_S: '0', [NESTED_MARK]: '' };
  return { repo, home, env };
}

/** Whether `pid` is a living process (a zombie is dead, only not yet reaped). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !['Z', 'X', 'x'].includes(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? '');
  } catch {
    return false;
  }
}

const stage = (repo: TempRepo, env: Record<string, string>, ...args: string[]) => cli(['stage', '--repo', repo.dir, '--branch', repo.branch, '--json', ...args], env);
const taskRecord = async (env: Record<string, string>) => JSON.parse((await cli(['task', 'show', '1', '--json'], env)).stdout);

describe('verdicts and exit codes', () => {
  test('green suite without --merge: exit 0, advanced, mergeable, the base does not move; a later --merge run merges', async () => {
    const { repo, env } = fresh();
    const baseBefore = await repo.git('rev-parse', 'main');
    const run = await stage(repo, env, '--suite', suite('pass.sh'));
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({
      task: { id: 1, repo: repo.dir, branch: repo.branch, base: 'main' },
      staging: { outcome: 'executed', status: 'PASSED', exitCode: 0, timedOut: false, deferred: false, attempt: 1 },
      mergeGate: { classification: 'pass', action: 'mergeable', merged: false, baseBefore, baseAfter: baseBefore },
      verdict: 'advanced',
    });
    expect(readFileSync(report.staging.artifact, 'utf8')).toContain('staging_status: PASSED');
    expect(await repo.git('rev-parse', 'main')).toBe(baseBefore);
    expect((await taskRecord(env)).task).toMatchObject({ stage: 'deploy-staging', state: 'active' });

    const merged = await stage(repo, env, '--suite', suite('pass.sh'), '--merge');
    expect(merged.code, merged.stderr).toBe(0);
    const tip = await repo.git('rev-parse', repo.branch);
    expect(JSON.parse(merged.stdout)).toMatchObject({ task: { id: 1 }, staging: null, mergeGate: { action: 'merge', merged: true, baseAfter: tip }, verdict: 'advanced' });
    expect(await repo.git('rev-parse', 'main')).toBe(tip);
  });

  test('green suite with --merge: the base moves to the tested commit, the task to deploy', async () => {
    const { repo, env } = fresh();
    const tip = await repo.git('rev-parse', repo.branch);
    const run = await stage(repo, env, '--suite', suite('pass.sh'), '--merge');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ mergeGate: { classification: 'pass', action: 'merge', merged: true, baseAfter: tip }, verdict: 'advanced' });
    expect(await repo.git('rev-parse', 'main')).toBe(tip);
    expect((await taskRecord(env)).task).toMatchObject({ stage: 'deploy', validated_sha: tip });
  });

  test('red suite: exit 1, rolled-back to development, the base does not move', async () => {
    const { repo, env } = fresh();
    const baseBefore = await repo.git('rev-parse', 'main');
    const run = await stage(repo, env, '--suite', suite('fail.sh'), '--merge');
    expect(run.code, run.stderr).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ staging: { outcome: 'executed', status: 'FAILED', exitCode: 1 }, mergeGate: null, verdict: 'rolled-back' });
    expect(await repo.git('rev-parse', 'main')).toBe(baseBefore);
    expect((await taskRecord(env)).task).toMatchObject({ stage: 'development', state: 'active' });
  });

  test('hanging suite with orphans: exit 75, deferred, no survivors, the job left deferred', async () => {
    const { repo, home, env } = fresh();
    const pids = join(home, 'pids');
    const run = await stage(repo, env, '--suite', suite('hang-with-orphans.sh', pids), '--timeout', '1');
    expect(run.code, run.stderr).toBe(75);
    expect(JSON.parse(run.stdout)).toMatchObject({ staging: { outcome: 'tool-error', status: null, timedOut: true, deferred: true }, mergeGate: null, verdict: 'deferred' });
    const started = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
    expect(started).toHaveLength(3);
    for (const pid of started) expect(alive(pid), `pid ${pid} survived`).toBe(false);
    const record = await taskRecord(env);
    expect(record.task).toMatchObject({ stage: 'deploy-staging', state: 'active' });
    expect(record.jobs.at(-1)).toMatchObject({ stage: 'deploy-staging', state: 'deferred', infra_attempts: 1 });
  });
});

describe('infra faults never roll back until their budget is spent', () => {
  test('a merge re-test that times out: exit 75, deferred, mergeGate infra-retry, the base does not move, nothing survives', async () => {
    const { repo, home, env } = fresh();
    const pids = join(home, 'retest-pids');
    const baseBefore = await repo.git('rev-parse', 'main');
    const run = await stage(repo, { ...env, ORCH_MERGE_RETEST_SKIP_WHEN_CURRENT: 'false', ORCH_MERGE_RETEST_CMD: suite('merge-hang.sh', pids), ORCH_MERGE_RETEST_TIMEOUT_S: '0.5' }, '--suite', suite('pass.sh'), '--merge');
    expect(run.code, run.stderr).toBe(75);
    expect(JSON.parse(run.stdout)).toMatchObject({
      staging: { status: 'PASSED' },
      mergeGate: { skippedRetest: false, retest: { outcome: 'timeout' }, classification: 'timeout', action: 'infra-retry', merged: false },
      verdict: 'deferred',
    });
    expect(await repo.git('rev-parse', 'main')).toBe(baseBefore);
    for (const pid of readFileSync(pids, 'utf8').trim().split('\n').map(Number)) expect(alive(pid), `pid ${pid} survived`).toBe(false);
    expect((await taskRecord(env)).task).toMatchObject({ stage: 'deploy-staging', state: 'active' });
  });

  test('a suite that cannot run, with no infra budget left: exit 1, failed-closed, rolled back with one alert', async () => {
    const { repo, env } = fresh();
    const run = await stage(repo, { ...env, ORCH_STAGING_RUNNER_INFRA_RETRIES: '0' }, '--suite', suite('missing-command.sh'));
    expect(run.code, run.stderr).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ staging: { outcome: 'tool-error', status: 'FAILED', exitCode: 127, deferred: false }, mergeGate: null, verdict: 'failed-closed' });
    const record = await taskRecord(env);
    expect(record.task).toMatchObject({ stage: 'development' });
    expect(record.alerts).toHaveLength(1);
  });
});

describe('bad input: exit 2, one line, nothing written', () => {
  let repo: TempRepo;
  let home: string;
  let env: Record<string, string>;
  beforeAll(() => {
    ({ repo, home, env } = fresh());
  });
  test.each([
    [['--repo', '/nonexistent/orch-stage'], 'orch: repo "/nonexistent/orch-stage" is not a folder; --repo takes the folder of a git work tree'],
    [['--branch', 'nope'], 'orch: --branch: branch "nope" does not exist in REPO'],
    [['--branch', 'feature/change', '--base', 'trunk'], 'orch: --base: branch "trunk" does not exist in REPO'],
    [['--branch', 'feature/change', '--timeout', 'abc'], 'orch: --timeout "abc" is invalid: a duration such as 30s, 500ms, 2m or 1h (a bare number is seconds), at most 24 days'],
    [['--branch', 'feature/change', '--suite', 'npm test && rm -rf /'], null],
  ])('%j', async (args, line) => {
    const run = await cli(['stage', '--repo', repo.dir, ...args, '--json'], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    if (line !== null) expect(run.stderr).toBe(`${line.replace('REPO', repo.dir)}\n`);
    else expect(run.stderr).toMatch(/^orch: --suite "npm test && rm -rf \/" is invalid: /);
    expect(existsSync(join(home, 'orch.db'))).toBe(false);
  });

  test('a folder that is not a git repository', async () => {
    const run = await cli(['stage', '--repo', home, '--json'], env);
    expect(run).toMatchObject({ code: 2, stdout: '', stderr: `orch: repo ${JSON.stringify(home)} is not a git repository with a work tree; --repo takes the folder of a git work tree\n` });
  });

  test('the default run on the base branch says what to do', async () => {
    await repo.git('checkout', '--quiet', 'main');
    const run = await cli(['stage', '--repo', repo.dir], env);
    expect(run).toMatchObject({ code: 2, stdout: '', stderr: `orch: ${repo.dir} has its base "main" checked out: nothing to stage against itself; switch to a branch (git switch -c my-change) or pass --branch\n` });
  });

  test('a nested run, from inside a suite that orch stage runs, refuses', async () => {
    const run = await cli(['stage', '--repo', repo.dir, '--branch', repo.branch], { ...env, [NESTED_MARK]: '4242' });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`orch: refusing to stage from inside a suite that orch stage (pid 4242) is running: it would stage itself forever (${NESTED_MARK} is set)\n`);
  });
});

test('tsx scripts/stage.ts without flags stages the checked-out branch against main; stdout is only the JSON', async () => {
  const { repo, env } = fresh();
  await repo.git('checkout', '--quiet', repo.branch);
  const { [NESTED_MARK]: _cleared, ...rest } = env;
  // tsx found by module resolution: in a task worktree under .orch/ node_modules is a parent's.
  const run = await execa(process.execPath, [fileURLToPath(import.meta.resolve('tsx/cli')), join(ROOT, 'scripts/stage.ts'), '--json'], {
    cwd: repo.dir,
    env: { ...rest, PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ORCH_STAGING_SUITE_CMD: suite('pass.sh') },
    extendEnv: false,
    reject: false,
    timeout: scaled(20_000),
  });
  expect(run.exitCode, run.stderr).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject({ task: { branch: repo.branch, base: 'main' }, verdict: 'advanced' });
  expect(run.stdout.trim().startsWith('{') && run.stdout.trim().endsWith('}')).toBe(true);
  expect(run.stderr).toMatch(/^orch stage \[\d+\.\ds\] task 1 added: feature\/change \(base main\) on deploy-staging$/m);
  expect(run.stderr).toMatch(/^orch stage \[\d+\.\ds\] advanced: /m);
});
