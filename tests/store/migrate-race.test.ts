// Issue 13.8: processes opening a brand-new store at the same instant all succeed (SQLite: one
// exclusive migration transaction, and a wait for another process's lock that the busy timeout
// does not cut short). Small here (3 processes, one try: each child costs ~1.5 s of CPU for tsx);
// the full 8 x 20 is scripts/bench/migrate-race.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { expect, onTestFinished, test } from 'vitest';
import { raceOnce } from '../../scripts/bench/lib/open-store-race.ts';
import { MIGRATIONS, migrateToLatest } from '../../src/store/migrate.ts';

test('3 processes open one new SQLite store at once: every one succeeds, the schema is migrated once', async () => {
  const result = await raceOnce(3);
  expect(result.errors).toEqual([]);
  expect(result.ok).toBe(3);
});

test('a migration waits for another connection holding the lock past its busy timeout, then migrates', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'orch-migrate-wait-'));
  const path = join(dir, 'orch.db');
  const holder = new SQLite(path);
  holder.pragma('journal_mode = WAL');
  // A 10 ms busy timeout: without the wait, `begin exclusive` fails with SQLITE_BUSY at once.
  const sqlite = new SQLite(path, { timeout: 10 });
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
  onTestFinished(async () => {
    await db.destroy();
    if (holder.open) holder.close();
    rmSync(dir, { recursive: true, force: true });
  });
  holder.exec('begin exclusive');
  // The other "process" lets go a little later, as a racing migration that finishes would.
  let released = false;
  setTimeout(() => {
    holder.exec('commit');
    released = true;
  }, 200);
  await migrateToLatest(db, 'sqlite');
  expect(released).toBe(true);
  const applied = sqlite.prepare('select name from kysely_migration order by name').all() as Array<{ name: string }>;
  expect(applied.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS).sort());
});
