// The repository's merge lock held by someone else, the way another machine's gate would hold it
// on the test's engine: its merge_locks row, and on PostgreSQL the advisory lock itself, taken on
// a connection of its own (the row alone decides nothing there).
import { sql } from 'kysely';
import pg from 'pg';
import { advisoryKey } from '../../src/merge/lock.ts';
import type { PipelineEnv } from './pipeline.ts';

export interface HeldLock {
  /** The other holder lets go: its row goes, and its session (with the advisory lock) ends. */
  release(): Promise<void>;
}

export async function holdMergeLock(
  env: Pick<PipelineEnv, 'store' | 'config' | 'repo'>,
  row: { holder: string; taskId: number | null; acquiredAt?: string; expiresAt: string },
): Promise<HeldLock> {
  let session: pg.Client | undefined;
  if (env.store.dialect === 'postgres') {
    session = new pg.Client({ connectionString: env.config.ORCH_DATABASE_URL });
    await session.connect();
    await session.query('select pg_advisory_lock($1::bigint)', [advisoryKey(env.repo.dir).toString()]);
  }
  const acquiredAt = row.acquiredAt ?? new Date().toISOString();
  await sql`insert into merge_locks (repo, holder, task_id, acquired_at, expires_at) values (${env.repo.dir}, ${row.holder}, ${row.taskId}, ${acquiredAt}, ${row.expiresAt})`.execute(env.store.db);
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await sql`delete from merge_locks where repo = ${env.repo.dir} and holder = ${row.holder}`.execute(env.store.db).catch(() => undefined);
      await session?.end();
    },
  };
}
