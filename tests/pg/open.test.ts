// Opening the store by ORCH_DATABASE_URL: postgres:// selects PostgreSQL (migrated on open, ids
// as numbers), a read-only store refuses writes, and bad URLs or an unreachable server are clear
// errors that name the URL without its password and say what is allowed.
import { afterEach, describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/cli/commands/doctor-checks.ts';
import { loadConfig } from '../../src/config/load.ts';
import { ERROR_CODES } from '../../src/errors.ts';
import { openStore, redactUrl, storeTarget, type Store } from '../../src/store/db.ts';
import { openReadOnlyStore } from '../../src/store/read-only.ts';
import { insertTask, listTasks } from '../../src/store/repos/tasks.ts';
import { makeTestDatabase, usePostgres, type TestDatabase } from '../helpers/backend.ts';

usePostgres();

let database: TestDatabase | undefined;
const opened: Store[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  await database?.drop();
  database = undefined;
});

const home = { ORCH_HOME: '/nonexistent/orch-home' };
const task = { repo: '/r', branch: 'b', base: 'main', title: 't', stage: 'analysis' } as const;

describe('ORCH_DATABASE_URL', () => {
  it('postgres:// and postgresql:// select PostgreSQL; empty, paths and file: URLs SQLite', () => {
    expect(storeTarget({ ...home, ORCH_DATABASE_URL: 'postgres://u:p@db:5432/orch' })).toEqual({ dialect: 'postgres', url: 'postgres://u:p@db:5432/orch' });
    expect(storeTarget({ ...home, ORCH_DATABASE_URL: 'postgresql://db/orch?sslmode=require' }).dialect).toBe('postgres');
    expect(storeTarget({ ...home, ORCH_DATABASE_URL: '' })).toEqual({ dialect: 'sqlite', path: '/nonexistent/orch-home/orch.db' });
    expect(storeTarget({ ...home, ORCH_DATABASE_URL: 'file:///var/orch.db' })).toEqual({ dialect: 'sqlite', path: '/var/orch.db' });
  });

  it('any other scheme is a config error that lists what is allowed, password masked', () => {
    expect(() => storeTarget({ ...home, ORCH_DATABASE_URL: 'mysql://u:secret@db/orch' })).toThrow(
      'ORCH_DATABASE_URL="mysql://u:***@db/orch" is invalid: empty (SQLite at $ORCH_HOME/orch.db), a file path or file: URL (SQLite), or a postgres:// or postgresql:// URL (PostgreSQL)',
    );
    expect(redactUrl('postgres://orch:hunter2@db/orch')).toBe('postgres://orch:***@db/orch');
  });

  it('an unreachable server is ORCH_STORE_FAILED naming the URL without its password', async () => {
    await expect(openStore({ ...home, ORCH_DATABASE_URL: 'postgres://orch:hunter2@127.0.0.1:1/orch' })).rejects.toMatchObject({
      code: ERROR_CODES.STORE_FAILED,
      message: expect.stringMatching(/^cannot reach PostgreSQL at postgres:\/\/orch:\*\*\*@127\.0\.0\.1:1\/orch: .*ECONNREFUSED/),
    });
  });

  it('opens and migrates PostgreSQL through openStore; the read-only store reads and refuses writes', async () => {
    database = await makeTestDatabase();
    const config = { ...home, ORCH_DATABASE_URL: database.url };
    const store = await openStore(config);
    opened.push(store);
    expect(store.dialect).toBe('postgres');
    await insertTask(store.db, task);
    const ro = await openReadOnlyStore(config);
    opened.push(ro);
    expect((await listTasks(ro.db)).map((t) => t.id)).toEqual([1]);
    await expect(insertTask(ro.db, { ...task, branch: 'other' })).rejects.toThrow(/read-only transaction/);
    expect((await listTasks(store.db)).length).toBe(1);
  });

  it('orch doctor checks PostgreSQL with a round trip, and names an unreachable one in one line', async () => {
    database = await makeTestDatabase();
    const base = loadConfig({ env: {}, envFile: false });
    const [ok] = await runDoctor({ ...base, ORCH_DATABASE_URL: database.url });
    expect(ok).toMatchObject({ name: 'store', ok: true, message: expect.stringMatching(/^postgres postgres:\/\/.+: opens, round trip ok$/) });
    const [bad] = await runDoctor({ ...base, ORCH_DATABASE_URL: 'postgres://orch:hunter2@127.0.0.1:1/orch' });
    expect(bad).toMatchObject({ name: 'store', ok: false, message: expect.stringMatching(/^cannot reach PostgreSQL at postgres:\/\/orch:\*\*\*@127\.0\.0\.1:1\/orch: /) });
  });
});
