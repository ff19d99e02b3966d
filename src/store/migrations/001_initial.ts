// The first schema (SPEC §8). Timestamps are ISO-8601 UTC text so they sort and read the same on
// SQLite and PostgreSQL; JSON details are text. The engines differ in two spellings only: an
// auto-numbered id (SQLite: integer primary key autoincrement; PostgreSQL: serial) and a float
// (SQLite's real is 8 bytes, PostgreSQL's is 4: there it is double precision).
import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import type { StoreDialect } from '../db.ts';

export async function up(db: Kysely<unknown>, dialect: StoreDialect = 'sqlite'): Promise<void> {
  const pg = dialect === 'postgres';
  const idType = pg ? 'serial' : 'integer';
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const float = pg ? 'double precision' : 'real';
  await db.schema
    .createTable('tasks')
    .addColumn('id', idType, id)
    .addColumn('repo', 'text', (c) => c.notNull())
    .addColumn('branch', 'text', (c) => c.notNull())
    .addColumn('base', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('active').check(sql`state in ('active', 'blocked', 'done')`))
    .addColumn('validated_sha', 'text')
    .addColumn('blocked_reason', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // One unfinished task per branch: two tasks would fight over one worktree and one merge.
  await db.schema
    .createIndex('tasks_open_branch')
    .on('tasks')
    .columns(['repo', 'branch'])
    .unique()
    .where(sql.ref('state'), '!=', 'done')
    .execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', idType, id)
    .addColumn('task_id', 'integer', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('agent', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) =>
      c.notNull().defaultTo('queued').check(sql`state in ('queued', 'running', 'succeeded', 'failed', 'deferred', 'cancelled')`),
    )
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('infra_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('not_before', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'text')
    .addColumn('pid', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('outcome', 'text')
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('jobs_state_not_before').on('jobs').columns(['state', 'not_before']).execute();
  await db.schema.createIndex('jobs_task').on('jobs').column('task_id').execute();

  await db.schema
    .createTable('agent_runs')
    .addColumn('id', idType, id)
    .addColumn('job_id', 'integer', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
    .addColumn('task_id', 'integer', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('transport', 'text', (c) => c.notNull().check(sql`transport in ('llm', 'deterministic')`))
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('exit_code', 'integer')
    .addColumn('tokens_in', 'integer')
    .addColumn('tokens_out', 'integer')
    .addColumn('cost_usd', float)
    .addColumn('model', 'text')
    .execute();
  await db.schema.createIndex('agent_runs_task').on('agent_runs').column('task_id').execute();

  await db.schema
    .createTable('transitions')
    .addColumn('id', idType, id)
    .addColumn('task_id', 'integer', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('job_id', 'integer', (c) => c.references('jobs.id').onDelete('set null'))
    .addColumn('from_stage', 'text', (c) => c.notNull())
    .addColumn('to_stage', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('forward', 'rollback')`))
    .addColumn('reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('transitions_task').on('transitions').column('task_id').execute();

  await db.schema
    .createTable('gate_results')
    .addColumn('id', idType, id)
    .addColumn('task_id', 'integer', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('job_id', 'integer', (c) => c.references('jobs.id').onDelete('set null'))
    .addColumn('transition_id', 'integer', (c) => c.references('transitions.id').onDelete('set null'))
    .addColumn('from_stage', 'text', (c) => c.notNull())
    .addColumn('to_stage', 'text', (c) => c.notNull())
    .addColumn('check_id', 'text', (c) => c.notNull())
    .addColumn('verdict', 'text', (c) => c.notNull().check(sql`verdict in ('pass', 'fail', 'defer')`))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('gate_results_task').on('gate_results').column('task_id').execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', idType, id)
    .addColumn('task_id', 'integer', (c) => c.references('tasks.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['alerts', 'gate_results', 'transitions', 'agent_runs', 'jobs', 'tasks']) {
    await db.schema.dropTable(t).execute();
  }
}
