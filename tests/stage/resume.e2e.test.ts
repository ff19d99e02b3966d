// Issue 13.2, 13.5, 13.9, 13.10 on the sample repo (no dependencies: no install step): the flags
// stay with the task, `orch task cancel` frees the branch, a branch already in its base reports
// `up-to-date` instead of `merged`, and an ORCH_HOME inside the repository is excluded from git.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { quote } from 'shell-quote';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { NESTED_MARK } from '../../src/stage/guard.ts';
import { cli } from '../helpers/cli.ts';
import { copyTempRepo, makeTempRepo, type TempRepo } from '../helpers/git-repo.ts';

const SUITES = resolve(import.meta.dirname, '../../fixtures/suites');
const suite = (name: string) => quote([join(SUITES, name)]);

let template: TempRepo;
const cleanups: Array<() => void> = [];
beforeAll(async () => {
  template = await makeTempRepo();
});
afterAll(() => {
  for (const c of cleanups) c();
  template.cleanup();
});

function fresh(): { repo: TempRepo; home: string; env: Record<string, string> } {
  const repo = copyTempRepo(template);
  const home = mkdtempSync(join(tmpdir(), 'orch-resume-'));
  cleanups.push(() => repo.cleanup(), () => rmSync(home, { recursive: true, force: true }));
  return { repo, home, env: { ORCH_HOME: home, ORCH_KILL_GRACE_S: '0.2', ORCH_STAGING_RUNNER_RETRY_BACKOFF_S: '0', [NESTED_MARK]: '' } };
}

const stage = (repo: TempRepo, env: Record<string, string>, ...args: string[]) => cli(['stage', '--repo', repo.dir, '--branch', repo.branch, '--json', ...args], env);

test('--suite and --timeout are kept on the task: task show prints them and the next stage runs them without the flags', async () => {
  const { repo, env } = fresh();
  const red = await stage(repo, env, '--suite', suite('fail.sh'), '--timeout', '45s');
  expect(red.code, red.stderr).toBe(1);
  const shown = await cli(['task', 'show', '1'], env);
  expect(shown.stdout).toContain(`  suite    ${suite('fail.sh')}`);
  expect(shown.stdout).toContain('  timeout  45 s');
  // Rolled back to development; a new attempt without flags still runs the recorded (red) suite,
  // where the repository's own npm test would pass.
  const again = await stage(repo, env);
  expect(again.code, again.stderr).toBe(1);
  expect(JSON.parse(again.stdout)).toMatchObject({ task: { id: 1 }, verdict: 'rolled-back', staging: { status: 'FAILED' } });
  // A flag given again replaces the recorded one.
  const green = await stage(repo, env, '--suite', suite('pass.sh'));
  expect(green.code, green.stderr).toBe(0);
  expect(JSON.parse((await cli(['task', 'show', '1', '--json'], env)).stdout).task).toMatchObject({ suite_cmd: suite('pass.sh'), timeout_s: 45, substate: 'mergeable' });
  // `orch task merge` is the explicit merge of a mergeable task: the gate again, the base moves.
  const merged = await cli(['task', 'merge', '1', '--json'], env);
  expect(merged.code, merged.stderr).toBe(0);
  expect(JSON.parse(merged.stdout)).toMatchObject({ outcome: 'advanced', from: 'deploy-staging', to: 'deploy' });
  expect(await repo.git('rev-parse', 'main')).toBe(await repo.git('rev-parse', repo.branch));
  const twice = await cli(['task', 'merge', '1'], env);
  expect(twice.code).toBe(2);
  expect(twice.stderr).toContain('not mergeable');
});

test('orch task cancel ends the task (done, cancelled), its waiting job cancelled; the branch can be staged as a new task', async () => {
  const { repo, env } = fresh();
  // A tool error leaves the job deferred: a task with a waiting job.
  const deferred = await stage(repo, env, '--suite', suite('missing-command.sh'));
  expect(deferred.code, deferred.stderr).toBe(75);
  const cancelled = await cli(['task', 'cancel', '1', '--json'], env);
  expect(cancelled.code, cancelled.stderr).toBe(0);
  expect(JSON.parse(cancelled.stdout)).toMatchObject({ task: { state: 'done', substate: 'cancelled' }, cancelledJobs: 1, running: null });
  expect(JSON.parse((await cli(['task', 'list', '--json'], env)).stdout)).toMatchObject([{ id: 1, state: 'done', substate: 'cancelled' }]);
  const again = await cli(['task', 'cancel', '1'], env);
  expect(again.code).toBe(2);
  const restaged = await stage(repo, env, '--suite', suite('pass.sh'));
  expect(restaged.code, restaged.stderr).toBe(0);
  expect(JSON.parse(restaged.stdout)).toMatchObject({ task: { id: 2 }, verdict: 'advanced' });
});

test('--merge of a branch the base already contains: merged false, up-to-date, the base unmoved', async () => {
  const { repo, env } = fresh();
  await repo.git('branch', '--force', 'already-in', 'main');
  const base = await repo.git('rev-parse', 'main');
  const run = await cli(['stage', '--repo', repo.dir, '--branch', 'already-in', '--json', '--suite', suite('pass.sh'), '--merge'], env);
  expect(run.code, run.stderr).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject({ verdict: 'advanced', mergeGate: { merged: false, action: 'up-to-date', baseBefore: base, baseAfter: base } });
  expect(await repo.git('rev-parse', 'main')).toBe(base);
  // Staged again once past deploy-staging: the same verdict, nothing run.
  const again = await cli(['stage', '--repo', repo.dir, '--branch', 'already-in', '--json', '--merge'], env);
  expect(again.code, again.stderr).toBe(0);
  expect(JSON.parse(again.stdout)).toMatchObject({ verdict: 'advanced', staging: null, mergeGate: null });
  expect(JSON.parse(again.stdout).reason).toContain('already passed');
});

test('an ORCH_HOME inside the repository is added to .git/info/exclude once, so git add -A leaves the store out', async () => {
  const { repo, env } = fresh();
  const home = join(repo.dir, '.orch-home');
  const first = await cli(['task', 'list'], { ...env, ORCH_HOME: home });
  expect(first.code, first.stderr).toBe(0);
  expect(first.stderr).toContain(`added /.orch-home/ to ${join(repo.dir, '.git', 'info', 'exclude')}`);
  expect(existsSync(join(home, 'orch.db'))).toBe(true);
  expect(readFileSync(join(repo.dir, '.git', 'info', 'exclude'), 'utf8')).toContain('\n/.orch-home/\n');
  expect(await repo.git('status', '--porcelain', '--untracked-files=all')).toBe('');
  const second = await cli(['task', 'list'], { ...env, ORCH_HOME: home });
  expect(second.stderr).not.toContain('info/exclude');
});
