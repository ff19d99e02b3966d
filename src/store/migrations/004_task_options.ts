// Issue 13: what a task needs to be staged the same way by whoever runs its jobs later, and the
// finer states no worker advances.
// - suite_cmd, timeout_s: `orch stage --suite/--timeout`, recorded on the task (null: the config);
// - substate: `mergeable` on an active task (staged without --merge: it waits for `orch stage
//   --merge` or `orch task merge`; no worker or sweep moves it), `cancelled` on a done task
//   (`orch task cancel`: ended by an operator, not by reaching done). Null otherwise.
// - merge_policy: `ask` for a task staged without --merge: whoever evaluates its merge gate later
//   (a worker re-running a re-queued job) stops at mergeable instead of moving the base; null =
//   merge on a pass, as configured.
import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from '../db.ts';

export async function up(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const float = dialect === 'postgres' ? 'double precision' : 'real';
  await db.schema.alterTable('tasks').addColumn('suite_cmd', 'text').execute();
  await db.schema.alterTable('tasks').addColumn('timeout_s', float).execute();
  await db.schema
    .alterTable('tasks')
    .addColumn('substate', 'text', (c) => c.check(sql`substate in ('mergeable', 'cancelled')`))
    .execute();
  await db.schema
    .alterTable('tasks')
    .addColumn('merge_policy', 'text', (c) => c.check(sql`merge_policy = 'ask'`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['merge_policy', 'substate', 'timeout_s', 'suite_cmd']) await db.schema.alterTable('tasks').dropColumn(column).execute();
}
