// Global setup of the `pg` test project (and of every project under TEST_ORCH_BACKEND=postgres):
// one throwaway PostgreSQL server for the whole run; each test makes a database of its own on it
// (tests/helpers/backend.ts). When the server cannot start, setup throws and the run fails: the
// PostgreSQL tests never skip. TEST_ORCH_PG_URL points the tests at a server of your own instead.
import type { TestProject } from 'vitest/node';
import { startPgServer, type PgServer } from '../../fixtures/pg/server.ts';
import { pidIsDead } from '../../src/worker/identity.ts';

let server: PgServer | undefined;
let users = 0;

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const own = process.env.TEST_ORCH_PG_URL;
  if (own) {
    project.provide('pgAdminUrl', own);
    return async () => undefined;
  }
  // Projects of one run share one server: the first setup starts it, the last teardown stops it.
  users++;
  server ??= await startPgServer();
  project.provide('pgAdminUrl', server.adminUrl);
  return async () => {
    if (--users === 0 && server) {
      const s = server;
      server = undefined;
      await s.stop();
      // stop() waited for pg_ctl; the postmaster must be gone too, or the run leaked a server.
      if (!pidIsDead(s.pid)) throw new Error(`the throwaway PostgreSQL (postmaster ${s.pid}) is still running after stop()`);
    }
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    orchBackend: 'sqlite' | 'postgres';
  }
}
