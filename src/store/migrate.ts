// Versioned migrations, listed in code (no folder scan) so they run the same under tsx and vitest.
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { OrchError, ERROR_CODES } from '../errors.ts';
import * as m001 from './migrations/001_initial.ts';
import * as m002 from './migrations/002_merge_locks.ts';

export const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '001_initial': m001,
  '002_merge_locks': m002,
});

const provider: MigrationProvider = { getMigrations: async () => ({ ...MIGRATIONS }) };

/** Bring the schema to the newest version; throws ORCH_STORE_FAILED naming the failed migration. */
export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new OrchError(ERROR_CODES.STORE_FAILED, `migration ${failed} failed: ${String(error)}`, { cause: error });
  }
}
