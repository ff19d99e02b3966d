// Versioned migrations, listed in code (no folder scan) so they run the same under tsx and vitest.
// One list for both engines: a migration gets the dialect and differs only where it must (the
// auto-numbered id column, the floating-point type).
import { setTimeout as sleep } from 'node:timers/promises';
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { OrchError, ERROR_CODES } from '../errors.ts';
import type { StoreDialect } from './db.ts';
import * as m001 from './migrations/001_initial.ts';
import * as m002 from './migrations/002_merge_locks.ts';
import * as m003 from './migrations/003_one_running_job.ts';
import * as m004 from './migrations/004_task_options.ts';
import * as m006 from './migrations/006_shadow_runs.ts';
import * as m007 from './migrations/007_merge_intents.ts';

/** A migration of ours: Kysely's, plus the dialect it runs on. Its database is not yet `Database`: unknown. */
export interface OrchMigration {
  up(db: Kysely<unknown>, dialect: StoreDialect): Promise<void>;
  down?(db: Kysely<unknown>, dialect: StoreDialect): Promise<void>;
}

export const MIGRATIONS: Readonly<Record<string, OrchMigration>> = Object.freeze({
  '001_initial': m001,
  '002_merge_locks': m002,
  '003_one_running_job': m003,
  '004_task_options': m004,
  '006_shadow_runs': m006,
  '007_merge_intents': m007,
});

function providerFor(dialect: StoreDialect): MigrationProvider {
  const bound: Record<string, Migration> = {};
  for (const [name, m] of Object.entries(MIGRATIONS)) {
    const { down } = m;
    bound[name] = { up: (db) => m.up(db, dialect), ...(down ? { down: (db: Kysely<unknown>) => down(db, dialect) } : {}) };
  }
  return { getMigrations: async () => bound };
}

/** Key of the session-level advisory lock every orch process takes around its migrations (PostgreSQL). */
export const PG_MIGRATION_LOCK_KEY = 0x6f726368_4d;

/** Whether every migration of ours is recorded as applied (the common case: nothing to lock for). */
async function upToDate<DB>(db: Kysely<DB>): Promise<boolean> {
  try {
    const rows = await (db as unknown as Kysely<{ kysely_migration: { name: string } }>).selectFrom('kysely_migration').select('name').execute();
    const done = new Set(rows.map((r: { name: string }) => r.name));
    return Object.keys(MIGRATIONS).every((name) => done.has(name));
  } catch {
    return false; // no migration table yet: a brand-new store
  }
}

/**
 * Bring the schema to the newest version; throws ORCH_STORE_FAILED naming the failed migration.
 * Safe when many processes open a new store at once (issue 13.8): on SQLite the migrations run in
 * ONE exclusive transaction (the others wait on the busy timeout, then find them applied); on
 * PostgreSQL an advisory lock is held around them, migration table creation included.
 */
export async function migrateToLatest<DB>(db: Kysely<DB>, dialect: StoreDialect = 'sqlite'): Promise<void> {
  if (await upToDate(db)) return;
  if (dialect === 'postgres') {
    await db.connection().execute(async (conn) => {
      await sql`select pg_advisory_lock(${PG_MIGRATION_LOCK_KEY})`.execute(conn);
      try {
        await runMigrator(conn, dialect);
      } finally {
        await sql`select pg_advisory_unlock(${PG_MIGRATION_LOCK_KEY})`.execute(conn);
      }
    });
    return;
  }
  // SQLite's dialect has one connection: everything the Migrator does runs inside this transaction.
  // Another process migrating the same new file holds the lock; waiting for it is not a fault, so
  // the wait is not bounded by the busy timeout (5 s, which a loaded machine's 8 racing processes
  // ran out of): on SQLITE_BUSY, either that process has finished (nothing left to do) or ask again.
  const deadline = Date.now() + MIGRATION_WAIT_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      await db.connection().execute(async (conn) => {
        await sql`begin exclusive`.execute(conn);
        try {
          await runMigrator(conn, dialect);
          await sql`commit`.execute(conn);
        } catch (error) {
          await sql`rollback`.execute(conn).catch(() => undefined);
          throw error;
        }
      });
      return;
    } catch (error) {
      if (!isSqliteBusy(error)) throw error;
      if (await upToDate(db)) return;
      if (Date.now() >= deadline) {
        throw new OrchError(ERROR_CODES.STORE_FAILED, `the store's migrations waited ${Math.round(MIGRATION_WAIT_MS / 1000)} s for another process holding the database lock; try again`, { cause: error, retryable: true });
      }
      await sleep(Math.min(25 * attempt, 250) * (0.5 + Math.random()));
    }
  }
}

/** How long opening a store waits for other processes' migrations of the same new file (issue 13.8). */
export const MIGRATION_WAIT_MS = 120_000;

/** SQLITE_BUSY or one of its extended codes, on the error or its cause (a failed migration wraps it). */
export function isSqliteBusy(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | null | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && e.code.startsWith('SQLITE_BUSY')) return true;
  }
  return false;
}

async function runMigrator<DB>(db: Kysely<DB>, dialect: StoreDialect): Promise<void> {
  const { error, results } = await new Migrator({ db, provider: providerFor(dialect) }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new OrchError(ERROR_CODES.STORE_FAILED, `migration ${failed} failed: ${String(error)}`, { cause: error });
  }
}
