// Dead owners are seen at once (issue 13 item 6): an `orch stage` killed with SIGKILL mid-suite
// leaves a running job under its dead PID and an orphaned suite tree; the next `orch stage` of the
// same branch reaps that job on the spot (the dead run's tree killed by its marker) and proceeds.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { quote } from 'shell-quote';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { NESTED_MARK } from '../../src/stage/guard.ts';
import { pidIsDead } from '../../src/proc/identity.ts';
import { cli } from '../helpers/cli.ts';
import { copyTempRepo, makeTempRepo, type TempRepo } from '../helpers/git-repo.ts';
import { until } from '../proc/helpers.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SUITES = join(ROOT, 'fixtures/suites');
const suite = (name: string, ...args: string[]) => quote([join(SUITES, name), ...args]);

let template: TempRepo;
const cleanups: Array<() => void> = [];
beforeAll(async () => {
  template = await makeTempRepo();
});
afterAll(() => {
  for (const c of cleanups.reverse()) c();
  template.cleanup();
});

const lines = (file: string): number[] => {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

test('SIGKILL of `orch stage` mid-suite, then a re-stage of the branch: exit 0 at once, no survivor of the killed run', async () => {
  const repo = copyTempRepo(template);
  const home = mkdtempSync(join(tmpdir(), 'orch-stage-kill-'));
  const pids = join(home, 'pids');
  // The lease is long: only the dead-owner judgment (not its expiry) can free the job in time.
  const env = { ORCH_HOME: home, ORCH_KILL_GRACE_S: '0.2', ORCH_WORKER_LEASE_S: '600', [NESTED_MARK]: '' };
  const first = execa(process.execPath, [join(ROOT, 'bin/orch.js'), 'stage', '--repo', repo.dir, '--branch', repo.branch, '--json', '--suite', suite('hang-with-orphans.sh', pids), '--timeout', '300'], {
    env,
    reject: false,
    stdin: 'ignore',
    timeout: 60_000,
  });
  cleanups.push(
    () => repo.cleanup(),
    () => rmSync(home, { recursive: true, force: true }),
    () => {
      for (const pid of [first.pid ?? -1, ...lines(pids)]) if (pid > 0 && !pidIsDead(pid)) process.kill(pid, 'SIGKILL');
    },
  );
  await until(() => lines(pids).length === 3, 30_000, 'the suite tree of the first orch stage');
  process.kill(first.pid as number, 'SIGKILL');
  await first;
  const orphans = lines(pids);
  expect(orphans.every((pid) => !pidIsDead(pid)), 'the killed run left its suite tree behind').toBe(true);

  const t0 = performance.now();
  const again = await cli(['stage', '--repo', repo.dir, '--branch', repo.branch, '--json', '--suite', suite('pass.sh')], env);
  expect(again.code, again.stderr).toBe(0);
  // Ceiling only: it did not wait for the 600 s lease.
  expect(performance.now() - t0).toBeLessThan(30_000);
  expect(JSON.parse(again.stdout)).toMatchObject({ staging: { status: 'PASSED' }, verdict: 'advanced' });
  expect(again.stderr).toMatch(/reaped, \d+ leftover process\(es\) killed, requeued/);
  for (const pid of orphans) expect(pidIsDead(pid), `pid ${pid} of the killed run survived`).toBe(true);
  const shown = JSON.parse((await cli(['task', 'show', '1', '--json'], env)).stdout);
  expect(shown.jobs.at(-1)).toMatchObject({ stage: 'deploy-staging', state: 'succeeded' });
}, 180_000);
