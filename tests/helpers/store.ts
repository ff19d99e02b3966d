// A real store for a test, migrated to the newest schema: a SQLite file in a temp folder, or a
// database of its own on the run's PostgreSQL server (tests/helpers/backend.ts decides).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgresStore, openSqliteStore, type Store } from '../../src/store/db.ts';
import type { Database } from '../../src/store/schema.ts';
import { makeTestDatabase, testBackend, type TestBackend, type TestDatabase } from './backend.ts';

export interface TempStore {
  readonly store: Store;
  readonly backend: TestBackend;
  readonly dir: string;
  /** ORCH_DATABASE_URL that reaches this store: the SQLite file's path, or the PostgreSQL URL. */
  readonly url: string;
  /** Another, independent connection to the same store (another "process"). */
  open(): Promise<Store>;
  /** Rows in a table, for "nothing was written" assertions. */
  count(table: keyof Database): Promise<number>;
  cleanup(): Promise<void>;
}

/** Where a test's store lives: ORCH_DATABASE_URL for it ('' = SQLite under ORCH_HOME), and how to drop it. */
export interface TestStoreLocation {
  readonly backend: TestBackend;
  readonly databaseUrl: string;
  drop(): Promise<void>;
}

/** A fresh location on the test's backend: nothing for SQLite (ORCH_HOME holds it), a new database on PostgreSQL. */
export async function makeTestStoreLocation(backend = testBackend()): Promise<TestStoreLocation> {
  if (backend === 'sqlite') return { backend, databaseUrl: '', drop: async () => undefined };
  const database: TestDatabase = await makeTestDatabase();
  return { backend, databaseUrl: database.url, drop: () => database.drop() };
}

export async function openTestStore(url: string): Promise<Store> {
  return /^postgres(ql)?:/.test(url) ? openPostgresStore(url) : openSqliteStore(url);
}

export async function makeTempStore(backend = testBackend()): Promise<TempStore> {
  const dir = mkdtempSync(join(tmpdir(), 'orch-store-'));
  const database = backend === 'postgres' ? await makeTestDatabase() : undefined;
  const url = database?.url ?? join(dir, 'orch.db');
  const store = await openTestStore(url);
  return {
    store,
    backend,
    dir,
    url,
    open: () => openTestStore(url),
    count: (table) => countRows(store, table),
    cleanup: async () => {
      await store.close();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function countRows(store: Store, table: keyof Database): Promise<number> {
  const row = await store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
