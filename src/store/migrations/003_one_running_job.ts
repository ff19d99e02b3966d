// At most one running job per task, enforced by the database: a task's jobs share its
// worktree. The claim already refuses a second one; on PostgreSQL, where workers claim
// concurrently with row locks skipped rather than waited for, this index is the backstop that
// makes a lost race an error instead of two agents in one worktree.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('jobs_one_running_per_task').on('jobs').column('task_id').unique().where(sql.ref('state'), '=', 'running').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('jobs_one_running_per_task').execute();
}
