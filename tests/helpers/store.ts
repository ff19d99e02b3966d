// A real SQLite store in a temp folder, migrated to the newest schema.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore, type Store } from '../../src/store/db.ts';
import type { Database } from '../../src/store/schema.ts';

export interface TempStore {
  readonly store: Store;
  readonly dir: string;
  readonly path: string;
  /** Rows in a table, for "nothing was written" assertions. */
  count(table: keyof Database): Promise<number>;
  cleanup(): Promise<void>;
}

export async function makeTempStore(): Promise<TempStore> {
  const dir = mkdtempSync(join(tmpdir(), 'orch-store-'));
  const path = join(dir, 'orch.db');
  const store = await openSqliteStore(path);
  return {
    store,
    dir,
    path,
    count: (table) => countRows(store, table),
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function countRows(store: Store, table: keyof Database): Promise<number> {
  const row = await store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
