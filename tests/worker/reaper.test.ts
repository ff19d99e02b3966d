// The reaper on real processes: an orphaned agent tree of a dead worker is killed by the job's
// marker and the job re-queued at once; a job reaped too often blocks its task; a task left
// between its job and its gate is resumed by the sweep.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { killHolders, markerHolders } from '../../fixtures/proc/marker-scan.ts';
import { loadConfig } from '../../src/config/load.ts';
import { alertsForTask } from '../../src/store/repos/alerts.ts';
import { transitionsForTask } from '../../src/store/repos/history.ts';
import { insertJob, jobsForTask } from '../../src/store/repos/jobs.ts';
import { getTask, insertTask } from '../../src/store/repos/tasks.ts';
import { HOST_KEY, jobMarker } from '../../src/proc/identity.ts';
import { reap } from '../../src/worker/reaper.ts';
import { sweepStalled } from '../../src/worker/sweep.ts';
import { makeTempStore, type TempStore } from '../helpers/store.ts';
import { until } from '../proc/helpers.ts';

const MARK = 'TEST_ORCH_MARKER';
let temp: TempStore | undefined;
let mark = '';
afterEach(async () => {
  if (mark) killHolders(MARK, mark);
  await temp?.cleanup();
  temp = undefined;
});

const config = loadConfig({ env: { ORCH_KILL_GRACE_S: '0.2', ORCH_JOB_MAX_ATTEMPTS: '3' }, envFile: false });
const iso = (ms: number) => new Date(ms).toISOString();
const SELF = `${HOST_KEY}:${process.pid}:feedbeef`;

async function runningJob(t: TempStore, over: { owner: string; leaseMs?: number; pid?: number | null; detail?: object }) {
  const task = await insertTask(t.store.db, { repo: '/r', branch: `b-${randomUUID()}`, base: 'main', title: 't', stage: 'analysis' });
  const job = await insertJob(t.store.db, { taskId: task.id, stage: 'analysis', agent: 'analyst' });
  await t.store.db
    .updateTable('jobs')
    .set({ state: 'running', lease_owner: over.owner, lease_expires_at: iso(Date.now() + (over.leaseMs ?? 60_000)), started_at: iso(Date.now() - 1000), pid: over.pid ?? null, detail: JSON.stringify(over.detail ?? {}) })
    .where('id', '=', job.id)
    .execute();
  return { task, job };
}

/** A PID that was just alive and is now gone: a worker killed with SIGKILL. */
async function deadPid(): Promise<number> {
  const gone = execa('true');
  const pid = gone.pid as number;
  await gone;
  return pid;
}

describe('reap', () => {
  it("kills a dead local worker's orphaned agent tree by the job's marker and re-queues it without waiting for the lease", async () => {
    const t = (temp = await makeTempStore());
    mark = randomUUID();
    const owner = `${HOST_KEY}:${await deadPid()}:0badf00d`;
    const { job } = await runningJob(t, { owner });
    const marker = jobMarker(job.id, owner);
    // The agent (a new session, as runInGroup starts it) with a child of its own.
    const orphan = execa('sh', ['-c', 'sleep 30 & sleep 30'], { detached: true, stdio: 'ignore', env: { [marker.name]: marker.value, [MARK]: mark } });
    orphan.catch(() => undefined);
    const startTime = Number(readFileSync(`/proc/${orphan.pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[19]);
    await t.store.db.updateTable('jobs').set({ pid: orphan.pid as number, detail: JSON.stringify({ run: { pid: orphan.pid, startTime } }) }).where('id', '=', job.id).execute();
    await until(() => markerHolders(MARK, mark).length === 3, 3_000, 'the orphan tree');

    const reaped = await reap({ store: t.store, config }, SELF);
    expect(reaped).toEqual([{ jobId: job.id, reason: 'owner-dead', killed: 3, action: 'requeued', reaps: 1 }]);
    expect(markerHolders(MARK, mark)).toEqual([]);
    const row = (await jobsForTask(t.store.db, job.task_id))[0];
    expect(row).toMatchObject({ state: 'queued', lease_owner: null, pid: null });
    expect(JSON.parse(row?.detail ?? '{}').reaps).toEqual([expect.objectContaining({ reason: 'owner-dead', owner, killed: 3, by: SELF })]);
  });

  it('leaves a live local owner with a fresh lease alone, and takes an expired lease of another machine without killing anything', async () => {
    const t = (temp = await makeTempStore());
    await runningJob(t, { owner: `${HOST_KEY}:${process.ppid}:0a0a0a0a` });
    const { job } = await runningJob(t, { owner: 'elsewhere/boot:77:0b0b0b0b', leaseMs: -1 });
    expect(await reap({ store: t.store, config }, SELF)).toEqual([{ jobId: job.id, reason: 'lease-expired', killed: 0, action: 'requeued', reaps: 1 }]);
  });

  it('sees a local owner whose PID now belongs to a process started at another time (a recycled PID) as dead', async () => {
    const t = (temp = await makeTempStore());
    const start = Number(readFileSync(`/proc/${process.ppid}/stat`, 'utf8').split(') ')[1]?.split(' ')[19]);
    await runningJob(t, { owner: `${HOST_KEY}:${process.ppid}.${start}:0a0a0a0a` });
    const { job } = await runningJob(t, { owner: `${HOST_KEY}:${process.ppid}.${start + 1}:0d0d0d0d` });
    expect(await reap({ store: t.store, config }, SELF)).toEqual([{ jobId: job.id, reason: 'owner-dead', killed: 0, action: 'requeued', reaps: 1 }]);
  });

  it('re-queues a job reaped for dead owners more often than ORCH_JOB_MAX_ATTEMPTS: a dead worker is not a failed attempt', async () => {
    const t = (temp = await makeTempStore());
    const earlier = Array.from({ length: 5 }, () => ({ reason: 'owner-dead' }));
    const { task, job } = await runningJob(t, { owner: 'elsewhere/boot:77:0c0c0c0c', leaseMs: -1, detail: { reaps: earlier } });
    expect(await reap({ store: t.store, config }, SELF)).toEqual([{ jobId: job.id, reason: 'lease-expired', killed: 0, action: 'requeued', reaps: 6 }]);
    expect(await getTask(t.store.db, task.id)).toMatchObject({ state: 'active' });
    expect((await jobsForTask(t.store.db, task.id)).map((j) => j.state)).toEqual(['queued']);
  });

  it('a job that ran too long is a failed run: it counts against ORCH_JOB_MAX_ATTEMPTS, not the reaps', async () => {
    const t = (temp = await makeTempStore());
    const { task, job } = await runningJob(t, { owner: 'elsewhere/boot:77:0e0e0e0e' });
    await t.store.db.updateTable('jobs').set({ started_at: iso(Date.now() - (config.ORCH_REAPER_MAX_RUNNING_S + 1) * 1000) }).where('id', '=', job.id).execute();
    expect(await reap({ store: t.store, config }, SELF)).toEqual([{ jobId: job.id, reason: 'ran-too-long', killed: 0, action: 'failed', reaps: 0 }]);
    const jobs = await jobsForTask(t.store.db, task.id);
    expect(jobs.map((j) => [j.state, j.outcome])).toEqual([['failed', 'reaped'], ['queued', null]]);
  });

  it('a job reaped ORCH_JOB_MAX_REAPS times (a poison job) fails and blocks its task with a reason naming the bound and one alert', async () => {
    const t = (temp = await makeTempStore());
    const poison = loadConfig({ env: { ORCH_KILL_GRACE_S: '0.2', ORCH_JOB_MAX_REAPS: '3' }, envFile: false });
    const earlier = [{ reason: 'owner-dead' }, { reason: 'lease-expired' }];
    const { task, job } = await runningJob(t, { owner: 'elsewhere/boot:77:0c0c0c0c', leaseMs: -1, detail: { reaps: earlier } });
    expect(await reap({ store: t.store, config: poison }, SELF)).toEqual([{ jobId: job.id, reason: 'lease-expired', killed: 0, action: 'blocked', reaps: 3 }]);
    expect(await getTask(t.store.db, task.id)).toMatchObject({ state: 'blocked', blocked_reason: expect.stringContaining('reaped 3 time(s) (ORCH_JOB_MAX_REAPS=3)') });
    expect((await jobsForTask(t.store.db, task.id)).map((j) => [j.state, j.outcome])).toEqual([['failed', 'reaped']]);
    expect((await alertsForTask(t.store.db, task.id)).map((a) => a.kind)).toEqual(['job-reaped']);
    expect(await t.count('agent_runs')).toBe(0);
  });
});

describe('sweepStalled', () => {
  it('advances a task whose stage job succeeded but whose gate was never evaluated (after a grace), once', async () => {
    const t = (temp = await makeTempStore());
    const deps = { store: t.store, config: loadConfig({ env: { ORCH_HOME: t.dir }, envFile: false }) };
    const task = await insertTask(t.store.db, { repo: '/r', branch: 'b', base: 'main', title: 't', stage: 'analysis' });
    const job = await insertJob(t.store.db, { taskId: task.id, stage: 'analysis', agent: 'analyst' });
    await t.store.db.updateTable('jobs').set({ state: 'succeeded', outcome: 'exit-0', finished_at: iso(Date.now() - 5_000) }).where('id', '=', job.id).execute();
    // Finished 5 s ago: a live worker would be advancing it right now if it were younger than the grace.
    expect(await sweepStalled(deps, 60_000)).toEqual([]);
    const [first, second] = await Promise.all([sweepStalled(deps), sweepStalled(deps)]);
    const outcomes = [...(first ?? []), ...(second ?? [])].map((s) => ('result' in s ? s.result.outcome : s.error));
    expect(outcomes.filter((o) => o === 'advanced')).toHaveLength(1);
    expect((await transitionsForTask(t.store.db, task.id)).map((x) => `${x.from_stage}->${x.to_stage}`)).toEqual(['analysis->architecture']);
    expect(await sweepStalled(deps)).toEqual([]);
  });

  it('resumes at once, despite the grace, a task whose job was finished by a worker that died on this machine; a live finisher is left alone', async () => {
    const t = (temp = await makeTempStore());
    const deps = { store: t.store, config: loadConfig({ env: { ORCH_HOME: t.dir }, envFile: false }) };
    const finished = async (by: string) => {
      const task = await insertTask(t.store.db, { repo: '/r', branch: `b-${randomUUID()}`, base: 'main', title: 't', stage: 'analysis' });
      const job = await insertJob(t.store.db, { taskId: task.id, stage: 'analysis', agent: 'analyst' });
      await t.store.db.updateTable('jobs').set({ state: 'succeeded', outcome: 'exit-0', finished_at: iso(Date.now() - 1_000), detail: JSON.stringify({ finishedBy: by }) }).where('id', '=', job.id).execute();
      return task.id;
    };
    const dead = await finished(`${HOST_KEY}:${await deadPid()}:0f0f0f0f`);
    await finished(`${HOST_KEY}:${process.pid}:0e0e0e0e`);
    await finished('elsewhere/boot:7:0d0d0d0d');
    const swept = await sweepStalled(deps, 60_000);
    expect(swept.map((s) => [s.taskId, 'result' in s ? s.result.outcome : s.error])).toEqual([[dead, 'advanced']]);
  });
});
