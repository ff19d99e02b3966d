// Stress for issue 13.8: PROCESSES processes open the same brand-new store at the same instant,
// TRIES times (a new store each try). Prints one line per try and a summary; exit 1 on any failure.
//   tsx scripts/bench/migrate-race.ts [processes=8] [tries=20]
// With ORCH_DATABASE_URL=postgres://... each try uses a new database on that server.
import pg from 'pg';
import { raceOnce } from './lib/open-store-race.ts';

const processes = Number(process.argv[2] ?? 8);
const tries = Number(process.argv[3] ?? 20);
const server = process.env.ORCH_DATABASE_URL ?? '';

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
for (let i = 1; i <= tries; i++) {
  const result = await raceOnce(processes, /^postgres/.test(server) ? () => newPgDatabase(i) : undefined);
  failed += result.failed;
  console.log(`try ${i}/${tries}: ${result.ok}/${processes} opened${result.errors.length ? `; ${result.errors[0]}` : ''}`);
}
console.log(`${processes} processes x ${tries} tries on ${/^postgres/.test(server) ? 'PostgreSQL' : 'SQLite'}: ${failed} failure(s)`);
process.exit(failed === 0 ? 0 : 1);
