// Which store engine a test runs on: SQLite unless a file asks for PostgreSQL (usePostgres(), as
// tests/pg does, and runOnPostgres() to run another suite file again there), or the run does
// (TEST_ORCH_BACKEND=postgres: npm run test:pg). Each PostgreSQL test gets a database of its own on
// the run's throwaway server (tests/setup/postgres.ts), dropped at cleanup.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import type { PgState } from '../setup/postgres.ts';

export type TestBackend = 'sqlite' | 'postgres';

/** The engine this test file chose, until its last test has run. */
let chosen: TestBackend | undefined;

/** This test file runs on PostgreSQL: call it at the top of the file, before any test is declared. */
export function usePostgres(): void {
  chosen = 'postgres';
  // Files share their worker (isolate: false): the next file starts from the run's default.
  afterAll(() => {
    chosen = undefined;
  });
}

/**
 * Declare another suite file's tests again, on PostgreSQL, in the file that calls this. The
 * suite is imported under a query of its own, so it is a module of its own next to the SQLite
 * run of the same file (which may share this worker); its imports are shared as usual.
 */
export async function runOnPostgres(suite: string, from: string): Promise<void> {
  usePostgres();
  const specifier = `${new URL(suite, from).pathname}?backend=postgres`;
  await import(/* @vite-ignore */ specifier);
}

export function testBackend(): TestBackend {
  if (chosen) return chosen;
  const provided = inject('orchBackend');
  if (provided) return provided;
  const env = process.env.TEST_ORCH_BACKEND;
  if (env === undefined || env === '' || env === 'sqlite') return 'sqlite';
  if (env === 'postgres') return 'postgres';
  throw new Error(`TEST_ORCH_BACKEND=${JSON.stringify(env)} is invalid: sqlite (the default) or postgres`);
}

export interface TestDatabase {
  /** ORCH_DATABASE_URL of the new database. */
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** How long a test waits for the run's server to come up (it starts in the background). */
const SERVER_START_WAIT_MS = 60_000;

/** The run's PostgreSQL server; an error (never a skip) when the run has none or it could not start. */
export async function pgAdminUrl(): Promise<string> {
  const own = inject('pgAdminUrl');
  if (own) return own;
  const file = inject('pgStateFile');
  if (!file) throw new Error('this test needs PostgreSQL, and the run started none: tests/setup/postgres.ts is the global setup of the shared project (vitest.config.ts)');
  const end = Date.now() + SERVER_START_WAIT_MS;
  while (!existsSync(file)) {
    if (Date.now() > end) throw new Error(`the run's PostgreSQL did not come up within ${SERVER_START_WAIT_MS / 1000} s (no ${file})`);
    await sleep(25);
  }
  const state = JSON.parse(readFileSync(file, 'utf8')) as PgState;
  if ('error' in state) throw new Error(state.error);
  return state.url;
}

/** A new, empty database on the run's server. */
export async function makeTestDatabase(): Promise<TestDatabase> {
  const admin = await pgAdminUrl();
  const name = `orch_t_${randomBytes(6).toString('hex')}`;
  // FILE_COPY copies the small template's files instead of WAL-logging every block: about 30 ms
  // instead of 75 ms per database, which adds up over a run's hundred-odd databases. Servers
  // before PostgreSQL 15 have no STRATEGY (and always copy files).
  await adminQuery(admin, `create database ${name} strategy file_copy`).catch(async (error: unknown) => {
    if (!/strategy/i.test(String(error))) throw error;
    await adminQuery(admin, `create database ${name}`);
  });
  const url = new URL(admin);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      // FORCE ends sessions a test left open (a killed worker's pool, a merge lock's connection).
      await adminQuery(admin, `drop database if exists ${name} with (force)`);
    },
  };
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
