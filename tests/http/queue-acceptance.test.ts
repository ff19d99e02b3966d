// GET /queue after a scripted sequence run through orch stage (pass, fail, defer, a skipped
// re-test, a merge): every counter equals what the store says, and serving never writes.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { quote } from 'shell-quote';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import type { QueueSnapshot } from '../../src/http/queue.ts';
import { QueueResponse } from '../../src/http/queue-schema.ts';
import { startServer, type RunningServer } from '../../src/http/serve.ts';
import { NESTED_MARK } from '../../src/stage/guard.ts';
import { openSqliteStore } from '../../src/store/db.ts';
import { cli } from '../helpers/cli.ts';
import { makeTempRepo, type TempRepo } from '../helpers/git-repo.ts';

const SUITES = resolve(import.meta.dirname, '../../fixtures/suites');
const suite = (name: string, ...args: string[]) => quote([join(SUITES, name), ...args]);

let repo: TempRepo;
let home: string;
let server: RunningServer;
let env: Record<string, string>;

beforeAll(async () => {
  repo = await makeTempRepo();
  await repo.git('branch', 'red', repo.branch);
  await repo.git('branch', 'hang', repo.branch);
  home = mkdtempSync(join(tmpdir(), 'orch-queue-'));
  env = { ORCH_HOME: home, ORCH_KILL_GRACE_S: '0.2', ORCH_STAGING_RUNNER_RETRY_BACKOFF_S: '0', [NESTED_MARK]: '' };
  const stage = async (code: number, ...args: string[]) => {
    const run = await cli(['stage', '--repo', repo.dir, '--json', ...args], env);
    expect(run.code, run.stderr).toBe(code);
  };
  await stage(0, '--branch', repo.branch, '--suite', suite('pass.sh')); // pass, re-test skipped, mergeable
  await stage(0, '--branch', repo.branch, '--suite', suite('pass.sh'), '--merge'); // re-test skipped again, merged
  await stage(1, '--branch', 'red', '--suite', suite('fail.sh')); // red: rolled back
  await stage(75, '--branch', 'hang', '--suite', suite('hang-with-orphans.sh', join(home, 'pids')), '--timeout', '0.5'); // deferred
  server = await startServer(loadConfig({ env, envFile: false }), { host: '127.0.0.1', port: 0 }, false);
});

afterAll(async () => {
  await server?.close();
  repo?.cleanup();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** The database bytes and the WAL's length (a reader may create an empty WAL; a write would add frames). */
const hashes = () => {
  const wal = join(home, 'orch.db-wal');
  return { db: createHash('sha256').update(readFileSync(join(home, 'orch.db'))).digest('hex'), walBytes: existsSync(wal) ? statSync(wal).size : 0 };
};

test('GET /queue counters equal what the store says, and serving writes nothing', async () => {
  const before = hashes();
  const bodies = await Promise.all(Array.from({ length: 10 }, async () => (await fetch(`${server.url}/queue`)).json() as Promise<QueueSnapshot>));
  expect(hashes()).toEqual(before);
  const body = bodies[0] as QueueSnapshot;
  // The real response after real stage runs has exactly the documented keys.
  expect(() => QueueResponse.parse(body)).not.toThrow();

  // What the store says, read with plain SQL over a separate connection.
  const store = await openSqliteStore(join(home, 'orch.db'));
  try {
    const rows = async <T>(q: string) => (await sql.raw<T>(q).execute(store.db)).rows;
    const tasksByState = Object.fromEntries((await rows<{ state: string; n: number }>('select state, count(*) n from tasks group by state')).map((r) => [r.state, r.n]));
    expect(body.queue.tasks.by_state).toEqual({ active: 0, blocked: 0, done: 0, ...tasksByState });
    const jobsByState = Object.fromEntries((await rows<{ state: string; n: number }>('select state, count(*) n from jobs group by state')).map((r) => [r.state, r.n]));
    expect(body.queue.jobs.by_state).toMatchObject(jobsByState);
    const deferred = await rows<{ id: number; not_before: string; infra_attempts: number }>("select id, not_before, infra_attempts from jobs where state = 'deferred'");
    expect(body.deferred.map((d) => ({ id: d.job_id, not_before: d.not_before, infra_attempts: d.infra_attempts }))).toEqual(deferred);
  } finally {
    await store.close();
  }

  expect(body.queue.tasks.open_by_stage).toMatchObject({ deploy: 1, development: 1, 'deploy-staging': 1 });
  expect(body.deferred).toMatchObject([{ branch: 'hang', stage: 'deploy-staging', infra_attempts: 1 }]);
  expect(body.staging_runner).toMatchObject({ runs: 3, passed: 1, failed: 1, tool_errors: 1, deferred: 1, exhausted: 0, fallbacks: 0 });
  expect(body.merge_gate.counters).toEqual({ retests: 0, skipped: 2, passed: 1, red: 0, timeout: 0, lock_busy: 0, other: 0, infra_retries: 0, exhausted: 0, merged: 1, rollbacks: 0, lock_waits: 0, lock_wait_ms: 0, locks_broken: 0 });
  expect(body.alerts).toMatchObject({ open: 0, total: 0 });
  expect(bodies.every((b) => JSON.stringify({ ...b, generated_at: 0 }) === JSON.stringify({ ...body, generated_at: 0 }))).toBe(true);
});
