// Opening the store. Two engines behind one Kysely schema and the same queries:
// - SQLite (better-sqlite3, WAL, a busy timeout, foreign keys on): one file, one machine;
// - PostgreSQL (`pg` pool), selected by ORCH_DATABASE_URL=postgres://...: workers on many machines.
// Where the engines must differ (the claim's row locks, the merge lock, the id column type) the
// code asks `store.dialect`; everything else is one code path.
import { dirname, isAbsolute, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type pg from 'pg';
import type { Config } from '../config/keys.ts';
import { ConfigError, EnvironmentError, ERROR_CODES, OrchError, errorMessage } from '../errors.ts';
import { protectHome } from '../git/exclude.ts';
import { ensureWritableDir, sqliteFault } from './faults.ts';
import { isSqliteBusy, MIGRATION_WAIT_MS, migrateToLatest } from './migrate.ts';
import type { Database } from './schema.ts';

export type StoreDialect = 'sqlite' | 'postgres';

interface StoreBase {
  readonly db: Kysely<Database>;
  /** Where the data lives (a file path, or the server URL without its password), for messages. */
  readonly location: string;
  close(): Promise<void>;
}

export interface SqliteStore extends StoreBase {
  readonly dialect: 'sqlite';
}

export interface PostgresStore extends StoreBase {
  readonly dialect: 'postgres';
  /** The connection pool behind `db`. */
  readonly pool: pg.Pool;
  /**
   * A pooled connection of its own, for session-scoped state (advisory locks). Give it back with
   * `end()`, or `end(true)` to close it (its session, and any lock it holds, with it); close()
   * closes the sessions still out, so a lease never keeps the store from closing.
   */
  session(): Promise<PgSession>;
}

export interface PgSession {
  readonly client: pg.PoolClient;
  end(destroy?: boolean): void;
}

export type Store = SqliteStore | PostgresStore;

export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/** Connections per process; a worker needs few (claims, heartbeats, finishes, one per merge lock held). */
export const PG_POOL_MAX = 10;

const ALLOWED_URLS = 'empty (SQLite at $ORCH_HOME/orch.db), a file path or file: URL (SQLite), or a postgres:// or postgresql:// URL (PostgreSQL)';

export type StoreTarget = { readonly dialect: 'sqlite'; readonly path: string } | { readonly dialect: 'postgres'; readonly url: string };

/** Which engine and where, from ORCH_DATABASE_URL / ORCH_HOME; a clear error for anything else. */
export function storeTarget(config: Pick<Config, 'ORCH_HOME' | 'ORCH_DATABASE_URL'>): StoreTarget {
  const url = config.ORCH_DATABASE_URL;
  if (url === '') return { dialect: 'sqlite', path: resolve(config.ORCH_HOME, 'orch.db') };
  if (/^postgres(ql)?:\/\//i.test(url)) {
    try {
      new URL(url);
    } catch {
      throw new ConfigError('ORCH_DATABASE_URL', redactUrl(url), `${ALLOWED_URLS}; this one is not a well-formed URL`);
    }
    return { dialect: 'postgres', url };
  }
  if (url.startsWith('file:')) return { dialect: 'sqlite', path: fileURLToPath(url) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new ConfigError('ORCH_DATABASE_URL', redactUrl(url), ALLOWED_URLS);
  return { dialect: 'sqlite', path: isAbsolute(url) ? url : resolve(url) };
}

/** Where the SQLite file lives; an error when ORCH_DATABASE_URL selects PostgreSQL. */
export function sqlitePath(config: Pick<Config, 'ORCH_HOME' | 'ORCH_DATABASE_URL'>): string {
  const target = storeTarget(config);
  if (target.dialect !== 'sqlite') {
    throw new ConfigError('ORCH_DATABASE_URL', redactUrl(config.ORCH_DATABASE_URL), 'a SQLite location here (empty, a file path or a file: URL)');
  }
  return target.path;
}

/** A connection URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
  }
}

/** How much of the store to verify on open: nothing, PRAGMA quick_check (workers, serve), or the full integrity_check (orch doctor). */
export type StoreCheck = 'none' | 'quick' | 'full';

export interface SqliteStoreOptions {
  /** @default 'none' */
  readonly check?: StoreCheck;
  /** How messages name the folder, e.g. `ORCH_HOME=.orch`. @default the folder's path */
  readonly dirLabel?: string;
}

/**
 * Run PRAGMA quick_check / integrity_check; a store that fails is refused before anything is written.
 * @throws EnvironmentError naming the file and the first problem found
 */
export function checkSqlite(sqlite: SQLite.Database, path: string, check: StoreCheck): void {
  if (check === 'none') return;
  const pragma = check === 'full' ? 'integrity_check' : 'quick_check';
  const rows = sqlite.pragma(`${pragma}(5)`) as Array<Record<string, string>>;
  const problems = rows.map((r) => Object.values(r)[0] ?? '').filter((v) => v !== 'ok');
  if (problems.length > 0) throw new EnvironmentError(`${path} is corrupt (${pragma}: ${problems.join('; ')}); nothing was written, restore a backup`);
}

/** Open a SQLite file, creating its folder, check it if asked, and migrate it to the newest schema. */
export async function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
  ensureWritableDir(dirname(path), options.dirLabel ?? dirname(path));
  let sqlite: SQLite.Database | null = null;
  try {
    sqlite = new SQLite(path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
    checkSqlite(sqlite, path, options.check ?? 'none');
    // Switching a new file to WAL takes its lock for a moment; processes opening it at the same
    // instant wait for each other (issue 13.8), past the busy timeout if the machine is loaded.
    await untilNotBusy(() => sqlite?.pragma('journal_mode = WAL'));
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = NORMAL');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    await migrateToLatest(db, 'sqlite');
    return { db, dialect: 'sqlite', location: path, close: () => db.destroy() };
  } catch (error) {
    if (sqlite?.open) sqlite.close();
    throw sqliteFault(path, error) ?? error;
  }
}

/** Run `fn` again (after a short random pause) while SQLite says busy, up to MIGRATION_WAIT_MS. */
async function untilNotBusy<T>(fn: () => T): Promise<T> {
  const deadline = Date.now() + MIGRATION_WAIT_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return fn();
    } catch (error) {
      if (!isSqliteBusy(error) || Date.now() >= deadline) throw error;
      await sleep(Math.min(25 * attempt, 250) * (0.5 + Math.random()));
    }
  }
}

export interface PostgresStoreOptions {
  /** Every transaction of every connection is read-only (orch serve). @default false */
  readonly readOnly?: boolean;
  /** Run the migrations first. @default true (a read-only store cannot) */
  readonly migrate?: boolean;
  /** @default PG_POOL_MAX */
  readonly poolMax?: number;
}

/** Open a PostgreSQL database by URL, check that it answers, and migrate it to the newest schema. */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const location = redactUrl(url);
  // Loaded here, not at the top: a SQLite store (every `orch stage` by default) never pays for pg.
  const { default: pgModule } = await import('pg');
  const pool = new pgModule.Pool({
    connectionString: url,
    max: options.poolMax ?? PG_POOL_MAX,
    application_name: 'orch',
    connectionTimeoutMillis: 10_000,
    ...(options.readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
  });
  // An idle client that loses its server (restart, network) emits here; without a listener that
  // would crash the process. The next query on the pool gets a fresh connection.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await pool.query('select 1');
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw new OrchError(ERROR_CODES.STORE_FAILED, `cannot reach PostgreSQL at ${location}: ${errorMessage(error)}`, { cause: error, retryable: true });
  }
  try {
    if (options.migrate ?? !options.readOnly) await migrateToLatest(db, 'postgres');
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw error;
  }
  const sessions = new Set<PgSession>();
  return {
    db,
    dialect: 'postgres',
    location,
    pool,
    async session() {
      const client = await pool.connect();
      // A session the server ends while we hold it (restart, terminate) errors on the client:
      // without a listener that would crash the process. Its next query fails instead.
      client.on('error', ignoreSessionError);
      const session: PgSession = {
        client,
        end(destroy = false) {
          if (!sessions.delete(session)) return;
          client.off('error', ignoreSessionError);
          client.release(destroy);
        },
      };
      sessions.add(session);
      return session;
    },
    async close() {
      for (const session of [...sessions]) session.end(true);
      await db.destroy();
    },
  };
}

function ignoreSessionError(): void {}

export interface OpenStoreOptions {
  /** @default 'none'; workers and serve ask for 'quick', orch doctor for 'full' */
  readonly check?: StoreCheck;
}

/** The store ORCH_DATABASE_URL names (SQLite by default), migrated to the newest schema. */
export async function openStore(config: Pick<Config, 'ORCH_HOME' | 'ORCH_DATABASE_URL'>, options: OpenStoreOptions = {}): Promise<Store> {
  const target = storeTarget(config);
  const store = target.dialect === 'postgres' ? await openPostgresStore(target.url) : await openSqliteStore(target.path, { check: options.check ?? 'none', dirLabel: storeDirLabel(config) });
  // ORCH_HOME inside a git work tree must never be committed by an agent's `git add -A`.
  const note = await protectHome(config.ORCH_HOME).catch(() => null);
  if (note !== null) process.stderr.write(`orch: ${note}\n`);
  return store;
}

/** How messages name the SQLite file's folder: the key it comes from and its value. */
export function storeDirLabel(config: Pick<Config, 'ORCH_HOME' | 'ORCH_DATABASE_URL'>): string {
  return config.ORCH_DATABASE_URL === '' ? `ORCH_HOME=${config.ORCH_HOME}` : `the folder of ORCH_DATABASE_URL=${config.ORCH_DATABASE_URL}`;
}
