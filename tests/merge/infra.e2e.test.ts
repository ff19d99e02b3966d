// Infra faults of the merge gate: they re-queue the task on deploy-staging (no rollback, no
// developer job), and exhaustion blocks it with exactly one alert until `orch task retry`.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { mergeGateBlock } from '../../src/merge/counters.ts';
import { HOST_KEY } from '../../src/proc/identity.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { advance } from '../../src/pipeline/advance.ts';
import { alertsForTask } from '../../src/store/repos/alerts.ts';
import { jobsForTask } from '../../src/store/repos/jobs.ts';
import { cli } from '../helpers/cli.ts';
import { holdMergeLock, type HeldLock } from '../helpers/merge-lock.ts';
import type { PipelineEnv } from '../helpers/pipeline.ts';
import { until } from '../proc/helpers.ts';
import { alive, gate, jobSummary, killAll, mergeEnv, pidsFrom, runRequeued, stagedTask, suite, taskState } from './helpers.ts';

let e: PipelineEnv | undefined;
let scratch: string | undefined;
const pids: number[] = [];
afterEach(async () => {
  killAll(pids.splice(0));
  await e?.cleanup();
  e = undefined;
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});
const pidFile = () => join((scratch ??= mkdtempSync(join(tmpdir(), 'orch-merge-'))), 'pids');

let held: HeldLock | undefined;
afterEach(async () => {
  await held?.release();
  held = undefined;
});

/** A PID that was just alive and is now gone: a process killed with SIGKILL. */
async function deadPid(): Promise<number> {
  const gone = execa('true');
  const pid = gone.pid as number;
  await gone;
  return pid;
}

/** The repo's merge lock held by another (live) holder of the same repo. */
async function holdLock(env: PipelineEnv, holder = 'task-999@elsewhere:1:deadbeef'): Promise<void> {
  held = await holdMergeLock(env, { holder, taskId: 999, expiresAt: '2999-01-01T00:00:00.000Z' });
}

describe('merge gate: infra faults', () => {
  it('TC-04 the incident: a suite that leaves orphans and times out -> infra re-queue, no rollback, no developer job, tree dead', async () => {
    const file = pidFile();
    e = await mergeEnv({ ORCH_MERGE_RETEST_CMD: suite('merge-hang.sh', file), ORCH_MERGE_RETEST_TIMEOUT_S: '1' });
    const base = await e.repo.git('rev-parse', 'main');
    const id = await stagedTask(e);
    const { result, detail } = await gate(e, id);
    pids.push(...pidsFrom(file));
    expect(result).toMatchObject({ outcome: 'deferred', from: 'deploy-staging', to: 'deploy-staging' });
    expect(result.reason).toMatch(/^check_branch_mergeable: timeout: re-test timed out after [\d.]+s; its process tree was killed; infra re-queue 1 of 2 on deploy-staging in 0s$/);
    expect(detail).toMatchObject({ classification: 'timeout', class: 'infra', action: 'infra-retry', source: 'retest', infraRetry: { attempt: 1, of: 2 } });
    expect(detail.retest).toMatchObject({ outcome: 'timeout', treeKill: true, survivors: 0 });
    expect(pids.length).toBe(4);
    expect(pids.filter(alive)).toEqual([]);
    expect(await taskState(e, id)).toEqual({ stage: 'deploy-staging', state: 'active' });
    expect(await jobSummary(e, id)).toEqual(['deploy-staging:deployer:succeeded', 'deploy-staging:deployer:deferred']);
    expect(await e.count('transitions')).toBe(0);
    expect(await e.repo.git('rev-parse', 'main')).toBe(base);
  });

  it('TC-05 lock-busy: the merge lock is held by another live task for the whole wait -> deferred, no infra budget spent, no re-queue, nothing touched', async () => {
    e = await mergeEnv({ ORCH_MERGE_LOCK_WAIT_S: '0.3' });
    await holdLock(e);
    const id = await stagedTask(e);
    const { result, detail } = await gate(e, id);
    expect(result.outcome).toBe('deferred');
    expect(result.reason).toContain('no infra budget spent');
    expect(detail).toMatchObject({ classification: 'lock-busy', source: 'merge-lock', action: 'lock-wait', cause: 'lock-wait', retest: null, worktree: null });
    expect(detail.lockWait?.waits).toBeGreaterThanOrEqual(1);
    expect(detail.reason).toMatch(new RegExp(`^the merge lock of ${e.repo.dir} is held by task-999@elsewhere:1:deadbeef until 2999-01-01T00:00:00.000Z \\(waited \\d+ s\\)$`));
    // No deferred staging job: the suite does not run again; the stage's job stays the succeeded one.
    expect(await jobSummary(e, id)).toEqual(['deploy-staging:deployer:succeeded']);
    expect((await jobsForTask(e.store.db, id)).map((j) => j.infra_attempts)).toEqual([0]);
    // Once the holder lets go, the next evaluation (the sweep's, or orch stage --merge) merges.
    await held?.release();
    expect((await gate(e, id)).result).toMatchObject({ outcome: 'advanced', to: 'deploy' });
  });

  it('TC-05 a busy merge lock released while the gate waits: the gate takes it and merges in the same run, the wait counted', async () => {
    e = await mergeEnv({ ORCH_MERGE_LOCK_WAIT_S: '30' });
    await holdLock(e);
    const id = await stagedTask(e);
    const running = gate(e, id);
    setTimeout(() => void held?.release(), 400);
    const { result, detail } = await running;
    expect(result).toMatchObject({ outcome: 'advanced', to: 'deploy' });
    expect(detail).toMatchObject({ merged: true, lockBroken: null });
    expect(detail.lockWait?.waits).toBeGreaterThanOrEqual(1);
    expect(detail.lockWait?.ms).toBeGreaterThanOrEqual(300);
    expect((await jobSummary(e, id)).filter((j) => j.startsWith('deploy-staging:'))).toEqual(['deploy-staging:deployer:succeeded']);
    const counters = (await mergeGateBlock(e.store, e.config)).counters;
    expect(counters).toMatchObject({ lock_waits: 1, lock_busy: 0, infra_retries: 0, merged: 1 });
  });

  it('TC-05 the lock of a holder that died on this machine is broken at once and the break recorded (a holder on another host, above, is waited for)', async () => {
    e = await mergeEnv({ ORCH_MERGE_LOCK_WAIT_S: '0.3' });
    const dead = `task-998@${HOST_KEY}:${await deadPid()}.1:deadbeef`;
    // A dead holder: only its row is left (on PostgreSQL its session, and the advisory lock, died with it).
    await sql`insert into merge_locks (repo, holder, task_id, acquired_at, expires_at) values (${e.repo.dir}, ${dead}, ${998}, ${new Date().toISOString()}, ${'2999-01-01T00:00:00.000Z'})`.execute(e.store.db);
    const id = await stagedTask(e);
    const t0 = performance.now();
    const { result, detail } = await gate(e, id);
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(result).toMatchObject({ outcome: 'advanced', to: 'deploy' });
    expect(detail).toMatchObject({ merged: true, lockWait: null, lockBroken: { holder: dead, taskId: 998 } });
    expect((await mergeGateBlock(e.store, e.config)).counters).toMatchObject({ locks_broken: 1, lock_waits: 0 });
  });

  it('TC-05 lock-busy: the re-test says "database is locked" -> infra re-queue', async () => {
    e = await mergeEnv({ ORCH_MERGE_RETEST_CMD: suite('merge-lock-busy.sh') });
    const id = await stagedTask(e);
    const { result, detail } = await gate(e, id);
    expect(result.outcome).toBe('deferred');
    expect(detail).toMatchObject({ classification: 'lock-busy', source: 'retest', action: 'infra-retry', retest: { exitCode: 1 } });
    expect(detail.reason).toBe('re-test failed (exit 1) on a busy resource: output contains "database is locked"');
    // The gate released its own lock.
    expect(await e.count('merge_locks')).toBe(0);
  });

  it('TC-06 exhaustion: exactly one alert, the task blocked; `orch task retry` resumes it', async () => {
    const outage = pidFile();
    writeFileSync(outage, '');
    e = await mergeEnv({ ORCH_MERGE_INFRA_RETRIES: '2', ORCH_MERGE_RETEST_CMD: suite('merge-busy-while.sh', outage), ORCH_MERGE_RETEST_SKIP_WHEN_CURRENT: 'false' });
    const id = await stagedTask(e);
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) {
      outcomes.push((await gate(e, id)).result.outcome);
      await runRequeued(e, id);
    }
    expect(outcomes).toEqual(['deferred', 'deferred', 'blocked']);
    expect(await taskState(e, id)).toEqual({ stage: 'deploy-staging', state: 'blocked' });
    await expect(advance(e, id)).rejects.toThrow(`task ${id} is blocked`);
    const alerts = await alertsForTask(e.store.db, id);
    expect(alerts.map((a) => [a.kind, a.resolved_at])).toEqual([['infra-exhausted', null]]);
    expect(alerts[0]?.message).toContain('infra retries exhausted after 2 re-queue(s)');
    expect((await jobsForTask(e.store.db, id)).map((j) => j.infra_attempts)).toEqual([0, 1, 2]);

    rmSync(outage);
    const retried = await cli(['task', 'retry', String(id)], { ORCH_HOME: e.home, ORCH_DATABASE_URL: e.config.ORCH_DATABASE_URL });
    expect(retried).toMatchObject({ code: 0, stderr: '' });
    expect(retried.stdout).toMatch(new RegExp(`^task ${id} unblocked on deploy-staging; job \\d+ queued for deployer\\n$`));
    await e.finishJobs(id);
    const { result, detail } = await gate(e, id);
    expect(result).toMatchObject({ outcome: 'advanced', to: 'deploy' });
    expect(detail).toMatchObject({ merged: true });
    expect((await alertsForTask(e.store.db, id)).length).toBe(1);
  });

  it('TC-12 SIGSEGV in the re-test is red (rollback)', async () => {
    e = await mergeEnv({ ORCH_MERGE_RETEST_CMD: suite('merge-segv.sh') });
    const id = await stagedTask(e);
    const { result, detail } = await gate(e, id);
    expect(result).toMatchObject({ outcome: 'rolled-back', to: 'development' });
    expect(detail).toMatchObject({ classification: 'red', reason: 're-test crashed with SIGSEGV', retest: { outcome: 'signaled', signal: 'SIGSEGV' } });
  });

  it('TC-12 an external SIGKILL of the re-test is other -> infra re-queue, leftovers killed', async () => {
    const file = pidFile();
    e = await mergeEnv({ ORCH_MERGE_RETEST_CMD: suite('merge-hang.sh', file), ORCH_MERGE_RETEST_TIMEOUT_S: '10' });
    const id = await stagedTask(e);
    const running = gate(e, id);
    await until(() => existsSync(file) && pidsFrom(file).length === 4, 5000, 'the suite to start its workers');
    pids.push(...pidsFrom(file));
    process.kill(pids[0] as number, 'SIGKILL');
    const { result, detail } = await running;
    expect(result.outcome).toBe('deferred');
    expect(detail).toMatchObject({ classification: 'other', action: 'infra-retry', reason: 're-test was killed by SIGKILL, which orch did not send' });
    expect(detail.retest?.durationMs).toBeLessThan(10_000); // ended by the kill, not the 10 s timeout
    expect(pids.filter(alive)).toEqual([]);
  });
});
