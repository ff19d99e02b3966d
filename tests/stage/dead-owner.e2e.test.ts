// Dead owners are seen at once (issue 13 item 6), in-process: a deploy-staging job left running
// under an `orch stage` that died on this machine (its PID gone, its lease far from expiry) with
// an orphaned suite tree carrying the job's marker; the next `orch stage` of the branch reaps the
// job on the spot, kills that tree, and proceeds. (With a real SIGKILLed process:
// tests/stress/stage-sigkill.stress.ts.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { quote } from 'shell-quote';
import { afterEach, expect, test } from 'vitest';
import { killHolders, markerHolders } from '../../fixtures/proc/marker-scan.ts';
import { loadConfig } from '../../src/config/load.ts';
import { addTask } from '../../src/pipeline/add-task.ts';
import { NESTED_MARK } from '../../src/stage/guard.ts';
import { openStore } from '../../src/store/db.ts';
import { HOST_KEY, jobMarker, pidIsDead } from '../../src/proc/identity.ts';
import { cli } from '../helpers/cli.ts';
import { makeTempRepo } from '../helpers/git-repo.ts';
import { until } from '../proc/helpers.ts';

const SUITES = resolve(import.meta.dirname, '../../fixtures/suites');
const MARK = 'TEST_ORCH_MARKER';
const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

test('a re-stage of a branch whose job is held by a dead local `orch stage`: reaped at once, its orphans killed, exit 0', async () => {
  const repo = await makeTempRepo();
  const home = mkdtempSync(join(tmpdir(), 'orch-stage-dead-'));
  const mark = `${Math.random()}`;
  cleanups.push(() => repo.cleanup(), () => rmSync(home, { recursive: true, force: true }), () => void killHolders(MARK, mark));
  const env = { ORCH_HOME: home, ORCH_KILL_GRACE_S: '0.2', ORCH_WORKER_LEASE_S: '600', [NESTED_MARK]: '' };
  const config = loadConfig({ env, envFile: false });
  const store = await openStore(config);
  cleanups.push(() => store.close());
  const { task, job } = await addTask({ store, config }, { repo: repo.dir, branch: repo.branch, base: 'main', title: 't', stage: 'deploy-staging' });
  // The dead `orch stage`: a PID that is gone, with a start time, and its lease 10 minutes away.
  const gone = execa('true');
  const deadPid = gone.pid as number;
  await gone;
  const owner = `${HOST_KEY}:${deadPid}.1:0badc0de`;
  const marker = jobMarker(job!.id, owner);
  const orphan = execa('sh', ['-c', 'sleep 60 & sleep 60'], { detached: true, stdio: 'ignore', env: { [marker.name]: marker.value, [MARK]: mark } });
  orphan.catch(() => undefined);
  await until(() => markerHolders(MARK, mark).length === 3, 5_000, 'the orphaned suite tree');
  await store.db
    .updateTable('jobs')
    .set({ state: 'running', lease_owner: owner, lease_expires_at: new Date(Date.now() + 600_000).toISOString(), started_at: new Date().toISOString() })
    .where('id', '=', job!.id)
    .execute();

  const run = await cli(['stage', '--repo', repo.dir, '--branch', repo.branch, '--json', '--suite', quote([join(SUITES, 'pass.sh')])], env);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toContain(`job ${job!.id} was held by ${owner} (owner-dead): reaped, 3 leftover process(es) killed, requeued`);
  expect(JSON.parse(run.stdout)).toMatchObject({ task: { id: task.id }, staging: { status: 'PASSED' }, verdict: 'advanced' });
  expect(markerHolders(MARK, mark)).toEqual([]);
  expect(pidIsDead(orphan.pid as number)).toBe(true);
});
