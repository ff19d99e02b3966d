// Versioned migrations, listed in code (no folder scan) so they run the same under tsx and vitest.
// One list for both engines: a migration gets the dialect and differs only where it must (the
// auto-numbered id column, the floating-point type).
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { OrchError, ERROR_CODES } from '../errors.ts';
import type { StoreDialect } from './db.ts';
import * as m001 from './migrations/001_initial.ts';
import * as m002 from './migrations/002_merge_locks.ts';
import * as m003 from './migrations/003_one_running_job.ts';
import * as m006 from './migrations/006_shadow_runs.ts';

/** A migration of ours: Kysely's, plus the dialect it runs on. Its database is not yet `Database`: unknown. */
export interface OrchMigration {
  up(db: Kysely<unknown>, dialect: StoreDialect): Promise<void>;
  down?(db: Kysely<unknown>, dialect: StoreDialect): Promise<void>;
}

export const MIGRATIONS: Readonly<Record<string, OrchMigration>> = Object.freeze({
  '001_initial': m001,
  '002_merge_locks': m002,
  '003_one_running_job': m003,
  '006_shadow_runs': m006,
});

function providerFor(dialect: StoreDialect): MigrationProvider {
  const bound: Record<string, Migration> = {};
  for (const [name, m] of Object.entries(MIGRATIONS)) {
    const { down } = m;
    bound[name] = { up: (db) => m.up(db, dialect), ...(down ? { down: (db: Kysely<unknown>) => down(db, dialect) } : {}) };
  }
  return { getMigrations: async () => bound };
}

/** Bring the schema to the newest version; throws ORCH_STORE_FAILED naming the failed migration. */
export async function migrateToLatest<DB>(db: Kysely<DB>, dialect: StoreDialect = 'sqlite'): Promise<void> {
  const { error, results } = await new Migrator({ db, provider: providerFor(dialect) }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new OrchError(ERROR_CODES.STORE_FAILED, `migration ${failed} failed: ${String(error)}`, { cause: error });
  }
}
