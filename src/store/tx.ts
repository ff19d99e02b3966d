// Write transactions.
//
// SQLite serialises writers with a busy timeout, which blocks the thread: two connections of ONE
// process interleaving their transactions would stall each other until the timeout. So writers
// of one process queue here first (per database file); across processes SQLite's own locking and
// the busy timeout do the job, provided the transaction takes the write lock when it starts
// (BEGIN IMMEDIATE): a deferred one that reads first and then writes fails at once with
// SQLITE_BUSY when another process wrote in between, whatever the busy timeout says.
//
// PostgreSQL takes row locks, so writers run concurrently (READ COMMITTED; every write that
// matters is guarded by what it expects to find: a task's version, a job's lease). A transaction
// the server aborts as a deadlock victim or a serialization failure did nothing, so it is run
// again, a few times, after a short random pause.
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import { keyedQueue } from '../util/keyed-queue.ts';
import type { Store } from './db.ts';
import type { Database } from './schema.ts';

const writers = keyedQueue();

/** SQLSTATEs after which the whole transaction may simply run again. */
export const PG_RETRYABLE_SQLSTATES: ReadonlySet<string> = new Set(['40001', '40P01']);
export const PG_TRANSACTION_ATTEMPTS = 5;

/** Run `fn` in one transaction (on SQLite: after every other write transaction of this process on the same file). */
export async function writeTransaction<T>(store: Store, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  if (store.dialect === 'postgres') return retryingTransaction(store, fn);
  return writers(store.location, () => immediateTransaction(store, fn));
}

/** PostgreSQL's unique_violation: a unique index refused a row another transaction got in first. */
export const PG_UNIQUE_VIOLATION = '23505';

/** The PostgreSQL error code of an error, if it is one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

async function retryingTransaction<T>(store: Store, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.db.transaction().execute(fn);
    } catch (error) {
      const state = sqlState(error);
      if (state === undefined || !PG_RETRYABLE_SQLSTATES.has(state) || attempt >= PG_TRANSACTION_ATTEMPTS) throw error;
      await sleep(5 + Math.floor(Math.random() * 20 * attempt));
    }
  }
}

/** One transaction on one connection, taking SQLite's write lock up front. */
async function immediateTransaction<T>(store: Store, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
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
