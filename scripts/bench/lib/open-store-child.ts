// One process of the "many processes open a brand-new store at once" race (issue 13.8): load
// everything, wait for the start file (so all processes open at the same instant), open the store
// ORCH_DATABASE_URL names (migrating it), print one JSON line and exit 0; on failure exit 1.
import { existsSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { openPostgresStore, openSqliteStore } from '../../../src/store/db.ts';

const [url, startFile] = process.argv.slice(2) as [string, string];
// Loaded: say so, then wait for the start signal that the parent gives once every child is here.
writeFileSync(`${startFile}.ready.${process.pid}`, '');
const deadline = Date.now() + 120_000;
while (!existsSync(startFile)) {
  if (Date.now() > deadline) {
    process.stdout.write(`${JSON.stringify({ ok: false, error: 'the start file never appeared' })}\n`);
    process.exit(1);
  }
  await sleep(2);
}
try {
  const store = /^postgres(ql)?:/.test(url) ? await openPostgresStore(url) : await openSqliteStore(url);
  const rows = await (store.db as unknown as Kysely<{ kysely_migration: { name: string } }>).selectFrom('kysely_migration').select('name').execute();
  await store.close();
  process.stdout.write(`${JSON.stringify({ ok: true, migrations: rows.length })}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ ok: false, error: String((error as Error)?.message ?? error) })}\n`);
  process.exit(1);
}
