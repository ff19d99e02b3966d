// Run async work one at a time per key (a database file, a repository), in call order. Work for
// different keys runs concurrently; a failure never blocks what is queued behind it.

export type KeyedQueue = <T>(key: string, fn: () => Promise<T>) => Promise<T>;

export function keyedQueue(): KeyedQueue {
  const tails = new Map<string, Promise<unknown>>();
  return async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(fn);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      // Drop the entry once nothing queued behind us, so the map does not grow with every key.
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}
