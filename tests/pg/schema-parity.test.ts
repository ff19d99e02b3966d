// One schema doc, two engines: the orch:db-schema block (SQLite DDL) describes the PostgreSQL
// schema the migrations build too, compared as logical schemas (src/conformance/sql/logical.ts;
// read by from-sqlite.ts and from-postgres.ts, compared by compare.ts).
// The mutations prove the comparison sees a column, an index and a type it must not miss; each
// runs inside a transaction that is rolled back (PostgreSQL DDL is transactional), so one
// migrated database serves every test.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbSchemaBlock } from '../../src/conformance/blocks/db-schema.ts';
import { extractBlocks } from '../../src/conformance/markdown/blocks.ts';
import { compareLogical } from '../../src/conformance/sql/compare.ts';
import { logicalFromPostgres } from '../../src/conformance/sql/from-postgres.ts';
import { logicalFromSqlite } from '../../src/conformance/sql/from-sqlite.ts';
import type { LogicalSchema } from '../../src/conformance/sql/logical.ts';
import { openPostgresStore, type PostgresStore } from '../../src/store/db.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { makeTestDatabase, type TestDatabase, usePostgres } from '../helpers/backend.ts';

usePostgres();

/** The doc and the migrator's bookkeeping tables, as the conformance block is configured by default. */
const { doc: DOC, ignoreTables: IGNORE } = dbSchemaBlock.options.parse({});

/** The doc block's SQL, executed into an empty SQLite database and read back. */
function schemaFromDoc(): LogicalSchema {
  const text = readFileSync(resolve(import.meta.dirname, '../..', DOC), 'utf8');
  const block = extractBlocks(text, DOC).find((b) => b.name === 'db-schema');
  if (block === undefined) throw new Error(`${DOC} has no orch:db-schema block`);
  const sqlite = new SQLite(':memory:');
  try {
    sqlite.exec(block.body);
    return logicalFromSqlite(sqlite, IGNORE);
  } finally {
    sqlite.close();
  }
}

let database: TestDatabase;
let store: PostgresStore;
let fromDoc: LogicalSchema;

beforeAll(async () => {
  fromDoc = schemaFromDoc();
  database = await makeTestDatabase();
  store = await openPostgresStore(database.url, { poolMax: 2 });
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
});

/** Differences between the doc and the PostgreSQL database after `ddl`, which is then rolled back. */
async function differencesAfter(ddl: string): Promise<string[]> {
  const trx = await store.db.startTransaction().execute();
  try {
    await sql.raw(ddl).execute(trx);
    return compareLogical(fromDoc, await logicalFromPostgres(trx, IGNORE));
  } finally {
    await trx.rollback().execute();
  }
}

describe('orch:db-schema is the schema on both engines', () => {
  it('a freshly migrated PostgreSQL database matches the doc', async () => {
    expect(fromDoc.tables.map((t) => t.name)).toContain('jobs');
    expect(compareLogical(fromDoc, await logicalFromPostgres(store.db, IGNORE))).toEqual([]);
  });

  it('a freshly migrated SQLite database matches the doc', async () => {
    const sqlite = new SQLite(':memory:');
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
    try {
      await migrateToLatest(db, 'sqlite');
      expect(compareLogical(fromDoc, logicalFromSqlite(sqlite, IGNORE))).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it.each([
    ['a column added', 'alter table tasks add column priority integer', ['table tasks: column priority: in the database, not in the doc']],
    ['an index dropped', 'drop index jobs_one_running_per_task', ['table jobs: index jobs_one_running_per_task: in the doc, not in the database']],
    [
      'a float narrowed to 4 bytes',
      'alter table agent_runs alter column cost_usd type real',
      ['table agent_runs: column cost_usd: type real in the doc, float4 in the database'],
    ],
  ])('PostgreSQL differs from the doc after %s', async (_what, ddl, expected) => {
    expect(await differencesAfter(ddl)).toEqual(expected);
  });

  it('the rolled-back mutations left the database matching the doc', async () => {
    expect(compareLogical(fromDoc, await logicalFromPostgres(store.db, IGNORE))).toEqual([]);
  });
});
