// Stress for issue 13.8: PROCESSES processes open the same brand-new store at the same instant,
// TRIES times (a new store each try). Prints one line per try and a summary; exit 1 on any failure.
//   tsx scripts/bench/migrate-race.ts [processes=8] [tries=20] [--postgres]
// With ORCH_DATABASE_URL=postgres://... each try uses a new database on that server; --postgres
// starts a throwaway server for the run (fixtures/pg/server.ts, as npm test does) and stops it.
import pg from 'pg';
import { startPgServer, type PgServer } from '../../fixtures/pg/server.ts';
import { raceOnce } from './lib/open-store-race.ts';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const processes = Number(positional[0] ?? 8);
const tries = Number(positional[1] ?? 20);
const throwaway: PgServer | null = process.argv.includes('--postgres') && !process.env.ORCH_DATABASE_URL ? await startPgServer({ maxConnections: 200 }) : null;
const server = throwaway?.adminUrl ?? process.env.ORCH_DATABASE_URL ?? '';

async function newPgDatabase(i: number): Promise<string> {
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  const name = `orch_migrate_race_${process.pid}_${i}`;
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

let failed = 0;
try {
  for (let i = 1; i <= tries; i++) {
    const result = await raceOnce(processes, /^postgres/.test(server) ? () => newPgDatabase(i) : undefined);
    failed += result.failed;
    console.log(`try ${i}/${tries}: ${result.ok}/${processes} opened${result.errors.length ? `; ${result.errors[0]}` : ''}`);
  }
} finally {
  await throwaway?.stop();
}
console.log(`${processes} processes x ${tries} tries on ${/^postgres/.test(server) ? 'PostgreSQL' : 'SQLite'}: ${failed} failure(s)`);
process.exit(failed === 0 ? 0 : 1);
