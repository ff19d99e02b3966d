// The throwaway PostgreSQL of the test runs (fixtures/pg/server.ts). Every run of the shared
// project starts one (tests/setup/postgres.ts), uses it from every PostgreSQL test, and checks
// at teardown that its postmaster is gone. Here: the server of this run answers on 127.0.0.1, and
// a server that cannot start is a loud error naming the step and quoting the server's log.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startPgServer } from '../../fixtures/pg/server.ts';
import { pgAdminUrl, usePostgres } from '../helpers/backend.ts';

usePostgres();

describe('throwaway PostgreSQL server', () => {
  it("this run's server answers on 127.0.0.1 as the superuser", async () => {
    const url = new URL(await pgAdminUrl());
    expect(url.hostname).toBe('127.0.0.1');
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    const { rows } = await client.query<{ v: string; su: boolean }>("select current_setting('server_version') as v, current_setting('is_superuser') = 'on' as su");
    await client.end();
    expect(rows[0]?.v).toMatch(/^\d+/);
    expect(rows[0]?.su).toBe(true);
  });

  it('a server that cannot start is an error with the step and the server log', async () => {
    await expect(startPgServer({ settings: ['shared_buffers=not-a-size'] })).rejects.toThrow(
      /could not start a throwaway PostgreSQL \(pg_ctl start failed\)[\s\S]*--- server log [\s\S]*shared_buffers/,
    );
  });
});
