// merge_intents: the merge gate's write-ahead record. The apply step writes the merge it is about
// to perform (base, its old tip, the tested HEAD it moves the base to) before the first ref
// moves, and the row goes in the transaction that records the attempt. A row found by the next
// attempt is a merge a killed worker may have performed but never recorded (merge-gate.md).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('merge_intents')
    .addColumn('task_id', 'integer', (c) => c.primaryKey().references('tasks.id').onDelete('cascade'))
    .addColumn('base', 'text', (c) => c.notNull())
    .addColumn('base_old', 'text', (c) => c.notNull())
    .addColumn('planned_sha', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('merge_intents').execute();
}
