// Issue 13's acceptance for dead owners and lock contention, with real `orch stage` processes:
// - the merge lock's holder SIGKILLed mid re-test: the next gate (another branch) breaks the dead
//   holder's lock at once, records the break, and merges within seconds, nothing of the killed
//   run left;
// - 5 parallel `orch stage --merge` of 5 branches: all 5 merged, no task blocked, linear history,
//   the losers waiting for the lock (no infra budget spent, no suite re-run).
// Every process started here is ended by PID.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { quote } from 'shell-quote';
import { afterEach, expect, it } from 'vitest';
import { NESTED_MARK } from '../../src/stage/guard.ts';
import { pidIsDead } from '../../src/proc/identity.ts';
import { cli } from '../helpers/cli.ts';
import { makeTempRepo, type TempRepo } from '../helpers/git-repo.ts';
import { until } from '../proc/helpers.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SUITES = join(ROOT, 'fixtures/suites');
const suite = (name: string, ...args: string[]) => quote(['bash', join(SUITES, name), ...args]);

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function setup(): Promise<{ repo: TempRepo; home: string; env: Record<string, string> }> {
  return makeTempRepo().then((repo) => {
    const home = mkdtempSync(join(tmpdir(), 'orch-stage-stress-'));
    cleanups.push(() => repo.cleanup(), () => rmSync(home, { recursive: true, force: true }));
    const env = { ORCH_HOME: home, ORCH_KILL_GRACE_S: '0.2', ORCH_MERGE_RETRY_BACKOFF_S: '0', ORCH_STAGING_RUNNER_RETRY_BACKOFF_S: '0', [NESTED_MARK]: '' };
    return { repo, home, env };
  });
}

const stageProcess = (repo: TempRepo, branch: string, env: Record<string, string>, ...args: string[]): ResultPromise => {
  const p = execa(process.execPath, [join(ROOT, 'bin/orch.js'), 'stage', '--repo', repo.dir, '--branch', branch, '--json', ...args], { env, reject: false, stdin: 'ignore', timeout: 150_000 });
  cleanups.push(() => {
    if (p.pid !== undefined && !pidIsDead(p.pid)) process.kill(p.pid, 'SIGKILL');
  });
  return p;
};

const lines = (file: string): number[] => {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

async function branches(repo: TempRepo, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 1; i <= n; i++) {
    await repo.git('checkout', '--quiet', '-b', `par/${i}`, 'main');
    await repo.commit(`par-${i}.txt`, `branch ${i}\n`);
    out.push(`par/${i}`);
  }
  await repo.git('checkout', '--quiet', 'main');
  return out;
}

it('the merge lock holder SIGKILLed mid re-test: the next gate breaks its lock at once and merges, nothing of the killed run left', async () => {
  const { repo, home, env } = await setup();
  const [a, b] = await branches(repo, 2);
  const pids = join(home, 'retest-pids');
  cleanups.push(() => {
    for (const pid of lines(pids)) if (!pidIsDead(pid)) process.kill(pid, 'SIGKILL');
  });
  // A's re-test hangs while it holds the lock; B's passes. The lock's expiry is far away (900 s timeout).
  const holder = stageProcess(repo, a as string, { ...env, ORCH_MERGE_RETEST_SKIP_WHEN_CURRENT: 'false', ORCH_MERGE_RETEST_CMD: suite('merge-hang.sh', pids), ORCH_MERGE_RETEST_TIMEOUT_S: '900' }, '--suite', suite('pass.sh'), '--merge');
  await until(() => lines(pids).length === 4, 60_000, "A's re-test to start under the lock");
  process.kill(holder.pid as number, 'SIGKILL');
  await holder;

  const t0 = performance.now();
  const next = await cli(['stage', '--repo', repo.dir, '--branch', b as string, '--json', '--suite', suite('pass.sh'), '--merge'], env);
  const tookMs = performance.now() - t0;
  expect(next.code, next.stderr).toBe(0);
  // Ceiling only: it did not wait for the 900 s lock expiry, nor ORCH_MERGE_LOCK_WAIT_S (300 s).
  expect(tookMs).toBeLessThan(120_000);
  expect(JSON.parse(next.stdout)).toMatchObject({ mergeGate: { merged: true }, verdict: 'advanced' });
  expect(await repo.git('rev-parse', 'main')).toBe(await repo.git('rev-parse', b as string));
  const shown = JSON.parse((await cli(['task', 'show', '2', '--json'], env)).stdout);
  const gate = shown.gateResults.filter((g: { check_id: string }) => g.check_id === 'check_branch_mergeable').at(-1);
  // The killed holder's re-test tree died with the break (found by the lock holder's marker).
  // Not one wait: the dead holder's lock was broken at the first ask.
  expect(gate.detail.lockWait).toBeNull();
  expect(gate.detail.lockBroken).toMatchObject({ taskId: 1 });
  expect(gate.detail.lockBroken.killed).toBeGreaterThanOrEqual(3);
  for (const pid of lines(pids)) expect(pidIsDead(pid), `pid ${pid} of the killed run survived`).toBe(true);
  // And A, staged again, merges on top of B.
  const again = await cli(['stage', '--repo', repo.dir, '--branch', a as string, '--json', '--suite', suite('pass.sh'), '--merge'], { ...env, ORCH_MERGE_RETEST_CMD: suite('merge-green.sh') });
  expect(again.code, again.stderr).toBe(0);
  expect(JSON.parse(again.stdout)).toMatchObject({ mergeGate: { merged: true } });
}, 150_000);

it('5 parallel `orch stage --merge` of 5 branches: all 5 merged, no task blocked, linear history, no infra budget spent', async () => {
  const { repo, env } = await setup();
  const names = await branches(repo, 5);
  const start = await repo.git('rev-parse', 'main');
  const runs = await Promise.all(names.map((n) => stageProcess(repo, n, env, '--suite', suite('pass.sh'), '--merge')));
  for (const r of runs) expect(r.exitCode, String(r.stderr)).toBe(0);
  for (const r of runs) expect(JSON.parse(String(r.stdout))).toMatchObject({ mergeGate: { merged: true }, verdict: 'advanced' });
  const commits = (await repo.git('rev-list', '--reverse', '--first-parent', `${start}..main`)).split('\n');
  expect(commits).toHaveLength(5);
  expect(await repo.git('rev-list', '--merges', '--count', 'main')).toBe('0');
  const list = await cli(['task', 'list', '--json'], env);
  const tasks = JSON.parse(list.stdout) as Array<{ state: string; stage: string }>;
  expect(tasks.filter((t) => t.state === 'blocked')).toEqual([]);
  for (let id = 1; id <= 5; id++) {
    const shown = JSON.parse((await cli(['task', 'show', String(id), '--json'], env)).stdout);
    // One staging run per task: the lock wait never re-ran the suite nor spent the infra budget.
    expect(shown.jobs.filter((j: { stage: string }) => j.stage === 'deploy-staging').map((j: { infra_attempts: number; state: string }) => [j.state, j.infra_attempts])).toEqual([['succeeded', 0]]);
  }
}, 150_000);
