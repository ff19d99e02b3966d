// A read-only view of the store for readers that must never write (orch serve). The store is
// created and migrated first through the ordinary path (a reader cannot migrate), then reopened
// read-only: SQLite with its read-only flag and query_only on, PostgreSQL with every transaction
// read-only (default_transaction_read_only). Any write attempt fails instead of landing.
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Config } from '../config/keys.ts';
import { openPostgresStore, openSqliteStore, storeDirLabel, storeTarget, SQLITE_BUSY_TIMEOUT_MS, type Store, type StoreCheck } from './db.ts';
import { sqliteFault } from './faults.ts';
import type { Database } from './schema.ts';

export async function openReadOnlyStore(config: Pick<Config, 'ORCH_HOME' | 'ORCH_DATABASE_URL'>, options: { check?: StoreCheck } = {}): Promise<Store> {
  const target = storeTarget(config);
  if (target.dialect === 'postgres') {
    await (await openPostgresStore(target.url)).close();
    return openPostgresStore(target.url, { readOnly: true, poolMax: 4 });
  }
  const path = target.path;
  // The writable open checks the file (quick_check by default) before anything touches it.
  await (await openSqliteStore(path, { check: options.check ?? 'quick', dirLabel: storeDirLabel(config) })).close();
  let sqlite: SQLite.Database;
  try {
    sqlite = new SQLite(path, { readonly: true, fileMustExist: true, timeout: SQLITE_BUSY_TIMEOUT_MS });
    sqlite.pragma('query_only = ON');
  } catch (error) {
    throw sqliteFault(path, error) ?? error;
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', location: path, close: () => db.destroy() };
}
