// Write transactions. SQLite serialises writers with a busy timeout, which blocks the thread: two
// connections of ONE process interleaving their transactions would stall each other until the
// timeout. So writers of one process queue here first (per database file); across processes
// SQLite's own locking and the busy timeout do the job.
import type { Kysely, Transaction } from 'kysely';
import type { Store } from './db.ts';
import type { Database } from './schema.ts';

const queues = new Map<string, Promise<unknown>>();

/** Run `fn` in one transaction, after every other write transaction of this process on the same file. */
export async function writeTransaction<T>(store: Store, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  const previous = queues.get(store.location) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => store.db.transaction().execute(fn));
  const tail = run.catch(() => undefined);
  queues.set(store.location, tail);
  try {
    return await run;
  } finally {
    // Drop the entry once nothing queued behind us, so the map does not grow with every file.
    if (queues.get(store.location) === tail) queues.delete(store.location);
  }
}

/** A database handle or a transaction: repository functions accept both. */
export type Db = Kysely<Database>;
