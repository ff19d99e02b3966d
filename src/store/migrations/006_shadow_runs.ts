// shadow_runs (issue 17): one row per shadow run, the evidence that a deterministic replacement
// agrees with the LLM role it replaces (or that the LLM was wrong). The stage's deciding agent and
// the other one, run in shadow (never gating, never committing), each give a verdict; the row
// keeps both, whether they agree, and what the shadow cost.
import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import type { StoreDialect } from '../db.ts';

export async function up(db: Kysely<unknown>, dialect: StoreDialect = 'sqlite'): Promise<void> {
  const pg = dialect === 'postgres';
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  await db.schema
    .createTable('shadow_runs')
    .addColumn('id', pg ? 'serial' : 'integer', id)
    .addColumn('task_id', 'integer', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('job_id', 'integer', (c) => c.references('jobs.id').onDelete('set null'))
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('agent', 'text', (c) => c.notNull())
    .addColumn('shadow', 'text', (c) => c.notNull().check(sql`shadow in ('llm', 'deterministic')`))
    .addColumn('deterministic_verdict', 'text')
    .addColumn('llm_verdict', 'text')
    .addColumn('agree', 'integer', (c) => c.check(sql`agree in (0, 1)`))
    .addColumn('cost_usd', pg ? 'double precision' : 'real')
    .addColumn('tokens_in', 'integer')
    .addColumn('tokens_out', 'integer')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('shadow_runs_task').on('shadow_runs').column('task_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('shadow_runs').execute();
}
