import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.ts';
import { raiseAlert, resolveAlertsForTask } from '../../src/store/repos/alerts.ts';
import { cancelWaitingJobs, insertJob, jobsForTask, latestJobForStage } from '../../src/store/repos/jobs.ts';
import { findOpenTaskForBranch, getTask, insertTask, updateTaskGuarded } from '../../src/store/repos/tasks.ts';
import { writeTransaction } from '../../src/store/tx.ts';
import { testBackend as t_backend } from '../helpers/backend.ts';
import { makeTempStore, type TempStore } from '../helpers/store.ts';

let t: TempStore;
beforeEach(async () => {
  t = await makeTempStore();
});
afterEach(async () => {
  await t.cleanup();
});

const input = { repo: '/r', branch: 'feature/a', base: 'main', title: 'A change', stage: 'analysis' } as const;

describe('store', () => {
  it.runIf(t_backend() === 'sqlite')('opens SQLite in WAL mode with foreign keys on and every table of SPEC §8', async () => {
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(t.store.db);
    expect(mode.rows[0]?.journal_mode).toBe('wal');
    const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(t.store.db);
    expect(fk.rows[0]?.foreign_keys).toBe(1);
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'kysely%' and name not like 'sqlite%' order by name`.execute(t.store.db);
    expect(tables.rows.map((r) => r.name)).toEqual(['agent_runs', 'alerts', 'gate_results', 'jobs', 'merge_intents', 'merge_locks', 'shadow_runs', 'tasks', 'transitions']);
  });

  it.runIf(t_backend() === 'postgres')('opens PostgreSQL with every table of SPEC §8, ids numbered by the server', async () => {
    expect(t.store.dialect).toBe('postgres');
    const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public' and table_name not like 'kysely%' order by table_name`.execute(t.store.db);
    expect(tables.rows.map((r) => r.name)).toEqual(['agent_runs', 'alerts', 'gate_results', 'jobs', 'merge_intents', 'merge_locks', 'shadow_runs', 'tasks', 'transitions']);
    const [a, b] = [await insertTask(t.store.db, input), await insertTask(t.store.db, { ...input, branch: 'feature/b' })];
    // Numbers, not the strings pg returns for bigint columns.
    expect([a.id, b.id]).toEqual([1, 2]);
  });

  it('migrating an already migrated file again changes nothing', async () => {
    await insertTask(t.store.db, input);
    const again = await t.open();
    expect((await getTask(again.db, 1)).title).toBe('A change');
    await again.close();
  });

  it('refuses a job for a task that does not exist (foreign keys are enforced)', async () => {
    await expect(insertJob(t.store.db, { taskId: 42, stage: 'analysis', agent: 'analyst' })).rejects.toThrow(/FOREIGN KEY|foreign key constraint/);
  });

  it('refuses a state outside the allowed set', async () => {
    const task = await insertTask(t.store.db, input);
    await expect(sql`update tasks set state = 'paused' where id = ${task.id}`.execute(t.store.db)).rejects.toThrow(/CHECK constraint|check constraint/);
  });

  it('allows one unfinished task per repo and branch', async () => {
    const first = await insertTask(t.store.db, input);
    await expect(insertTask(t.store.db, input)).rejects.toThrow(/UNIQUE|unique constraint/);
    expect((await findOpenTaskForBranch(t.store.db, '/r', 'feature/a'))?.id).toBe(first.id);
    expect(await updateTaskGuarded(t.store.db, first.id, 0, { state: 'done', stage: 'done' })).toBe(true);
    expect(await findOpenTaskForBranch(t.store.db, '/r', 'feature/a')).toBeUndefined();
    // A new row (PostgreSQL's sequence also spent a number on the refused insert).
    expect((await insertTask(t.store.db, input)).id).toBeGreaterThan(first.id);
  });

  it('a guarded update applies only at the expected version', async () => {
    const task = await insertTask(t.store.db, input);
    expect(await updateTaskGuarded(t.store.db, task.id, 0, { stage: 'architecture' })).toBe(true);
    expect(await updateTaskGuarded(t.store.db, task.id, 0, { stage: 'development' })).toBe(false);
    expect(await getTask(t.store.db, task.id)).toMatchObject({ stage: 'architecture', version: 1 });
  });

  it('getTask names a missing id', async () => {
    await expect(getTask(t.store.db, 9)).rejects.toMatchObject({ code: ERROR_CODES.NOT_FOUND, message: expect.stringContaining('task 9 does not exist') });
  });

  it('raises one alert per dedupe key and keeps resolved alerts', async () => {
    const task = await insertTask(t.store.db, input);
    const alert = { taskId: task.id, kind: 'gate', dedupeKey: 'k1', message: 'm' };
    expect(await raiseAlert(t.store.db, alert)).not.toBeNull();
    expect(await raiseAlert(t.store.db, alert)).toBeNull();
    expect(await t.count('alerts')).toBe(1);
    expect(await resolveAlertsForTask(t.store.db, task.id)).toBe(1);
    expect(await t.count('alerts')).toBe(1);
  });

  it('cancels waiting jobs and keeps what a job already recorded', async () => {
    const task = await insertTask(t.store.db, input);
    await insertJob(t.store.db, { taskId: task.id, stage: 'analysis', agent: 'analyst', detail: { note: 'kept' } });
    await insertJob(t.store.db, { taskId: task.id, stage: 'analysis', agent: 'analyst', attempt: 2 });
    expect(await cancelWaitingJobs(t.store.db, task.id, 'stage moved')).toBe(2);
    const jobs = await jobsForTask(t.store.db, task.id);
    expect(jobs.map((j) => [j.state, j.detail])).toEqual([
      ['cancelled', '{"note":"kept"}'],
      ['cancelled', '{"reason":"stage moved"}'],
    ]);
    expect((await latestJobForStage(t.store.db, task.id, 'analysis'))?.attempt).toBe(2);
  });

  it('a failed write transaction leaves nothing behind', async () => {
    await expect(
      writeTransaction(t.store, async (trx) => {
        await insertTask(trx, input);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await t.count('tasks')).toBe(0);
  });

  it('write transactions of two connections in one process queue instead of stalling', async () => {
    const other = await t.open();
    const started = Date.now();
    const write = (store: typeof other, branch: string) =>
      writeTransaction(store, async (trx) => {
        const task = await insertTask(trx, { ...input, branch });
        await new Promise((r) => setTimeout(r, 20));
        await insertJob(trx, { taskId: task.id, stage: 'analysis', agent: 'analyst' });
      });
    await Promise.all([write(t.store, 'a'), write(other, 'b')]);
    // Without the queue the second writer would wait out the 5 s busy timeout and fail.
    expect(Date.now() - started).toBeLessThan(4000);
    expect(await t.count('jobs')).toBe(2);
    await other.close();
  });
});
