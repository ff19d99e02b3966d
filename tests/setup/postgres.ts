// Global setup of the `pg` test project (and of every project under TEST_ORCH_BACKEND=postgres):
// one throwaway PostgreSQL server for the whole run; each test makes a database of its own on it
// (tests/helpers/backend.ts). TEST_ORCH_PG_URL points the tests at a server of your own instead.
//
// The server starts in the background: setup returns at once, so initdb and the start overlap the
// process-tree tests that run first, alone. Its address (or why it could not start) lands in a
// state file the tests wait for. A server that cannot start fails every PostgreSQL test with the
// server's own words (the teardown repeats them): the PostgreSQL tests never skip.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startPgServer, type PgServer } from '../../fixtures/pg/server.ts';
import { pidIsDead } from '../../src/proc/identity.ts';

/** What the tests read from the state file. */
export type PgState = { readonly url: string } | { readonly error: string };

let starting: { promise: Promise<PgServer | Error>; dir: string; file: string } | undefined;
let users = 0;

function startInBackground(): NonNullable<typeof starting> {
  const dir = mkdtempSync(join(tmpdir(), 'orch-pg-state-'));
  const file = join(dir, 'state.json');
  const publish = (state: PgState) => {
    writeFileSync(`${file}.tmp`, JSON.stringify(state));
    renameSync(`${file}.tmp`, file);
  };
  const promise = startPgServer().then(
    (server) => (publish({ url: server.adminUrl }), server),
    (error: unknown) => {
      const failure = error instanceof Error ? error : new Error(String(error));
      publish({ error: failure.message });
      return failure;
    },
  );
  return { promise, dir, file };
}

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const own = process.env.TEST_ORCH_PG_URL;
  if (own) {
    project.provide('pgAdminUrl', own);
    return async () => undefined;
  }
  // Projects of one run share one server: the first setup starts it, the last teardown stops it.
  users++;
  starting ??= startInBackground();
  project.provide('pgStateFile', starting.file);
  return async () => {
    if (--users > 0 || !starting) return;
    const { promise, dir } = starting;
    starting = undefined;
    const server = await promise;
    rmSync(dir, { recursive: true, force: true });
    // Every PostgreSQL test of the run has already failed with this; a run without one (a single
    // SQLite file, say) is not failed for a server it never needed, but it is told.
    if (server instanceof Error) {
      process.stderr.write(`tests/setup/postgres.ts: ${server.message}\n`);
      return;
    }
    await server.stop();
    // stop() waited for pg_ctl; the postmaster must be gone too, or the run leaked a server.
    if (!pidIsDead(server.pid)) throw new Error(`the throwaway PostgreSQL (postmaster ${server.pid}) is still running after stop()`);
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** A server of the user's own (TEST_ORCH_PG_URL). */
    pgAdminUrl: string;
    /** Where the run's own server publishes its address, or why it could not start. */
    pgStateFile: string;
    orchBackend: 'sqlite' | 'postgres';
  }
}
