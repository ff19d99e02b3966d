// Write transactions. SQLite serialises writers with a busy timeout, which blocks the thread: two
// connections of ONE process interleaving their transactions would stall each other until the
// timeout. So writers of one process queue here first (per database file); across processes
// SQLite's own locking and the busy timeout do the job, provided the transaction takes the write
// lock when it starts (BEGIN IMMEDIATE): a deferred one that reads first and then writes fails at
// once with SQLITE_BUSY when another process wrote in between, whatever the busy timeout says.
import { sql, type Kysely } from 'kysely';
import { keyedQueue } from '../util/keyed-queue.ts';
import type { Store } from './db.ts';
import type { Database } from './schema.ts';

const writers = keyedQueue();

/** Run `fn` in one transaction, after every other write transaction of this process on the same file. */
export async function writeTransaction<T>(store: Store, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return writers(store.location, () => immediateTransaction(store, fn));
}

/** One transaction on one connection; on SQLite it takes the write lock up front. */
async function immediateTransaction<T>(store: Store, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  if (store.dialect !== 'sqlite') return store.db.transaction().execute(fn);
  return store.db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await fn(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw error;
    }
  });
}

/** A database handle or a transaction: repository functions accept both. */
export type Db = Kysely<Database>;
