// Opening the store: Kysely over better-sqlite3 with WAL, a busy timeout and foreign keys on.
import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Config } from '../config/keys.ts';
import { ConfigError } from '../errors.ts';
import { migrateToLatest } from './migrate.ts';
import type { Database } from './schema.ts';

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: 'sqlite';
  /** Where the data lives (a file path), for messages. */
  readonly location: string;
  close(): Promise<void>;
}

export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/** Resolve where the SQLite file lives from ORCH_DATABASE_URL / ORCH_HOME. */
export function sqlitePath(config: Pick<Config, 'ORCH_HOME' | 'ORCH_DATABASE_URL'>): string {
  const url = config.ORCH_DATABASE_URL;
  if (url === '') return resolve(config.ORCH_HOME, 'orch.db');
  if (url.startsWith('file:')) return fileURLToPath(url);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new ConfigError('ORCH_DATABASE_URL', url, 'empty, a file path or a file: URL (this build stores in SQLite)');
  }
  return isAbsolute(url) ? url : resolve(url);
}

/** Open a SQLite file, creating its folder, and migrate it to the newest schema. */
export async function openSqliteStore(path: string): Promise<Store> {
  mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  await migrateToLatest(db);
  return { db, dialect: 'sqlite', location: path, close: () => db.destroy() };
}

export async function openStore(config: Pick<Config, 'ORCH_HOME' | 'ORCH_DATABASE_URL'>): Promise<Store> {
  return openSqliteStore(sqlitePath(config));
}
