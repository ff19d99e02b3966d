// orch:db-schema (docs/architecture/db-schema.md) = the schema of a freshly migrated, empty SQLite
// database, canonicalised; the doc's SQL is executed into another empty database and
// canonicalised the same way, so the comparison is of schemas, not of spellings.
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { z } from 'zod';
import { errorMessage } from '../../errors.ts';
import { migrateShape } from '../model/shapes.ts';
import { canonicalSchema } from '../sql/canonical.ts';
import type { BlockFamily } from './types.ts';

const options = z
  .object({
    doc: z.string().min(1).default('docs/architecture/db-schema.md'),
    /** Bookkeeping tables of the migrator, not part of orch's schema. */
    ignoreTables: z.array(z.string()).default(['kysely_migration', 'kysely_migration_lock']),
  })
  .strict();

/** Run the repo's own migrations on an in-memory database and read its schema back. */
async function migratedSchema(migrate: (db: unknown) => Promise<void>, ignore: readonly string[]) {
  const sqlite = new SQLite(':memory:');
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    await migrate(db);
    return canonicalSchema(sqlite, ignore);
  } finally {
    await db.destroy();
  }
}

export const dbSchemaBlock: BlockFamily<z.output<typeof options>> = {
  name: 'db-schema',
  options,
  requires: ['migrate'],
  async instances(ctx, opts) {
    return [
      {
        name: 'db-schema',
        lang: 'sql',
        doc: opts.doc,
        async derive() {
          const migrate = await ctx.model.get('migrate', migrateShape);
          const schema = await migratedSchema(migrate, opts.ignoreTables);
          return { body: schema.body, entries: schema.entries, source: ctx.model.fileOf('migrate') };
        },
        parse(body) {
          const sqlite = new SQLite(':memory:');
          try {
            sqlite.exec(body);
            return { ok: true, entries: canonicalSchema(sqlite, opts.ignoreTables).entries };
          } catch (error) {
            return { ok: false, line: 1, message: `the SQL does not run on an empty SQLite database: ${errorMessage(error)}` };
          } finally {
            sqlite.close();
          }
        },
      },
    ];
  },
};
