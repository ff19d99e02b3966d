// Issue 13.8, in-process: a migration that finds another connection holding the lock waits for it
// past its busy timeout (the 8-process race of migrate-race.e2e.test.ts and scripts/bench/
// migrate-race.ts failed at load 11 when the 5 s busy timeout ran out).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { expect, onTestFinished, test } from 'vitest';
import { isSqliteBusy, MIGRATIONS, migrateToLatest } from '../../src/store/migrate.ts';

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

test('isSqliteBusy: SQLITE_BUSY and its extended codes, also as the cause of a wrapped error; nothing else', () => {
  expect(isSqliteBusy({ code: 'SQLITE_BUSY' })).toBe(true);
  expect(isSqliteBusy({ code: 'SQLITE_BUSY_SNAPSHOT' })).toBe(true);
  expect(isSqliteBusy(new Error('migration 001 failed', { cause: { code: 'SQLITE_BUSY' } }))).toBe(true);
  expect(isSqliteBusy({ code: 'SQLITE_CORRUPT' })).toBe(false);
  expect(isSqliteBusy(null)).toBe(false);
});
