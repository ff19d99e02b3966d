// What every store-backed command needs: the validated config and an open store, closed after.
// The config and store modules load when a command runs, not when the commands are registered.
import { InvalidInputError } from '../errors.ts';
import type { AdvanceDeps } from '../pipeline/advance.ts';
import type { OpenStoreOptions } from '../store/db.ts';

/** Load config (env + .env), open the store, run `fn`, close the store whatever happens. */
export async function withStore<T>(fn: (deps: AdvanceDeps) => Promise<T>, options: OpenStoreOptions = {}): Promise<T> {
  const [{ loadConfig }, { openStore }] = await Promise.all([import('../config/load.ts'), import('../store/db.ts')]);
  const config = loadConfig();
  const store = await openStore(config, options);
  try {
    return await fn({ store, config });
  } finally {
    await store.close();
  }
}

/** A task (or other row) id argument: a positive whole number, or a usage error saying so. */
export function parseTaskId(raw: string, what = 'task id'): number {
  const id = /^[0-9]+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw new InvalidInputError(`${what} must be a positive whole number, got ${JSON.stringify(raw)}`);
  return id;
}

export function printLine(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** `--json` output: exactly one JSON value on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
