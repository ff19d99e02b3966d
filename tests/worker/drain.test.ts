// The drain's judgment (issue 19.3): `worker --until-idle` keeps running while a deferred job is
// due, or a merge lock freed, within its reach; what lies beyond is reported with until when.
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { insertGateResults } from '../../src/store/repos/history.ts';
import { insertJob } from '../../src/store/repos/jobs.ts';
import { insertTask } from '../../src/store/repos/tasks.ts';
import { describeWaiting, drainState } from '../../src/worker/drain.ts';
import { HOST_KEY } from '../../src/proc/identity.ts';
import { makeTempStore, type TempStore } from '../helpers/store.ts';

let temp: TempStore | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

const NOW = Date.parse('2030-01-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const HORIZON = iso(NOW + 60_000);

async function deadPid(): Promise<number> {
  const gone = execa('true');
  const pid = gone.pid as number;
  await gone;
  return pid;
}

/** A task on deploy-staging whose staging job succeeded and whose merge gate waited out a busy lock. */
async function lockWaiting(t: TempStore, holder: string, expiresAt: string) {
  const task = await insertTask(t.store.db, { repo: '/r', branch: `b${Math.random()}`, base: 'main', title: 't', stage: 'deploy-staging' });
  const job = await insertJob(t.store.db, { taskId: task.id, stage: 'deploy-staging', agent: 'deployer' });
  await t.store.db.updateTable('jobs').set({ state: 'succeeded', finished_at: iso(NOW - 10_000) }).where('id', '=', job.id).execute();
  await insertGateResults(t.store.db, { taskId: task.id, jobId: job.id, transitionId: null, from: 'deploy-staging', to: 'deploy', results: [{ checkId: 'check_branch_mergeable', verdict: 'defer', reason: 'lock-busy', detail: { classification: 'lock-busy', action: 'lock-wait', cause: 'lock-wait' } }] });
  await t.store.db.insertInto('merge_locks').values({ repo: '/r', holder, task_id: 999, acquired_at: iso(NOW - 1000), expires_at: expiresAt }).execute();
  return task;
}

describe('drainState', () => {
  it('a deferred job due within the reach keeps the drain running; one due later is reported with its time', async () => {
    const t = (temp = await makeTempStore());
    const task = await insertTask(t.store.db, { repo: '/r', branch: 'b', base: 'main', title: 't', stage: 'deploy-staging' });
    const job = await insertJob(t.store.db, { taskId: task.id, stage: 'deploy-staging', agent: 'deployer', notBefore: iso(NOW + 30_000) });
    expect(await drainState(t.store.db, HORIZON)).toEqual({ busy: true, waiting: [] });
    await t.store.db.updateTable('jobs').set({ not_before: iso(NOW + 3_600_000) }).where('id', '=', job.id).execute();
    const state = await drainState(t.store.db, HORIZON);
    expect(state).toEqual({ busy: false, waiting: [{ kind: 'deferred-job', jobId: job.id, taskId: task.id, stage: 'deploy-staging', agent: 'deployer', until: iso(NOW + 3_600_000) }] });
    expect(describeWaiting(state.waiting[0]!)).toBe(`job ${job.id} deployer (task ${task.id}, deploy-staging) deferred until 2030-01-01T01:00:00.000Z`);
  });

  it('a task waiting for a merge lock: beyond reach while a live holder keeps it past the horizon; within reach when it lapses sooner or its holder died here', async () => {
    const t = (temp = await makeTempStore());
    const far = iso(NOW + 3_600_000);
    const task = await lockWaiting(t, 'task-999@elsewhere/boot:7.1:abcdabcd', far);
    expect(await drainState(t.store.db, HORIZON)).toEqual({ busy: false, waiting: [{ kind: 'merge-lock', taskId: task.id, holder: 'task-999@elsewhere/boot:7.1:abcdabcd', until: far }] });
    await t.store.db.updateTable('merge_locks').set({ expires_at: iso(NOW + 20_000) }).execute();
    expect((await drainState(t.store.db, HORIZON)).busy).toBe(true);
    await t.store.db.updateTable('merge_locks').set({ expires_at: far, holder: `task-999@${HOST_KEY}:${await deadPid()}.1:abcdabcd` }).execute();
    expect((await drainState(t.store.db, HORIZON)).busy).toBe(true);
  });
});
