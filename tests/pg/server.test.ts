// The throwaway PostgreSQL of the test runs (fixtures/pg/server.ts): it starts on a free loopback
// port, answers, and is gone with its folder after stop(); a server that cannot start is a loud
// error naming the step and quoting the server's log, never a skip.
import { existsSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startPgServer } from '../../fixtures/pg/server.ts';
import { pidIsDead } from '../../src/worker/identity.ts';
import { until } from '../proc/helpers.ts';

describe('throwaway PostgreSQL server', () => {
  it('starts, answers on 127.0.0.1, and stop() ends the postmaster and removes its folder', async () => {
    const server = await startPgServer();
    try {
      expect(server.adminUrl).toBe(`postgres://postgres@127.0.0.1:${server.port}/postgres`);
      const client = new pg.Client({ connectionString: server.adminUrl });
      await client.connect();
      const { rows } = await client.query<{ v: string }>("select current_setting('server_version') as v");
      await client.end();
      expect(rows[0]?.v).toMatch(/^\d+/);
      expect(pidIsDead(server.pid)).toBe(false);
    } finally {
      await server.stop();
    }
    await until(() => pidIsDead(server.pid), 3_000, 'the postmaster to exit');
    expect(existsSync(server.dir)).toBe(false);
  });

  it('a server that cannot start is an error with the step and the server log', async () => {
    await expect(startPgServer({ settings: ['shared_buffers=not-a-size'] })).rejects.toThrow(
      /could not start a throwaway PostgreSQL \(pg_ctl start failed\)[\s\S]*--- server log [\s\S]*shared_buffers/,
    );
  });
});
