// The merge lock (ORCH-110): one row per repository while a merge gate holds it. Taken with an
// atomic insert (or a guarded update of an expired row), so it works across processes and, with
// the same queries, across machines; `expires_at` keeps a dead holder from wedging the repo.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('merge_locks')
    .addColumn('repo', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('task_id', 'integer')
    .addColumn('acquired_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('merge_locks').execute();
}
