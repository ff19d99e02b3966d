// orch serve over real HTTP on 127.0.0.1: the token rules, the read-only store, the blocks of
// GET /queue against what the store says, and that no secret reaches the log.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { bearerChecker } from '../../src/http/auth.ts';
import { isLoopbackHost } from '../../src/http/options.ts';
import type { QueueSnapshot } from '../../src/http/queue.ts';
import { QueueResponse } from '../../src/http/queue-schema.ts';
import { startServer, type RunningServer } from '../../src/http/serve.ts';
import { openReadOnlyStore } from '../../src/store/read-only.ts';
import { raiseAlert } from '../../src/store/repos/alerts.ts';
import { cli } from '../helpers/cli.ts';
import { makePipelineEnv, type PipelineEnv } from '../helpers/pipeline.ts';

const TOKEN = 's3cret-token-value';

test.each([
  ['127.0.0.1', true],
  ['127.1.2.3', true],
  ['localhost', true],
  ['::1', true],
  ['[::1]', true],
  ['0.0.0.0', false],
  ['::', false],
  ['10.0.0.5', false],
  ['example.com', false],
])('isLoopbackHost(%s) = %s', (host, expected) => {
  expect(isLoopbackHost(host)).toBe(expected);
});

test('bearerChecker accepts only the exact bearer token', () => {
  const check = bearerChecker(TOKEN);
  expect(check(`Bearer ${TOKEN}`)).toBe(true);
  expect(check(`bearer ${TOKEN}`)).toBe(true);
  expect(check(undefined)).toBe(false);
  expect(check('')).toBe(false);
  expect(check(TOKEN)).toBe(false);
  expect(check(`Bearer ${TOKEN}x`)).toBe(false);
  expect(check(`Basic ${TOKEN}`)).toBe(false);
  expect(bearerChecker(null)(undefined)).toBe(true);
});

describe('orch serve refuses to start', () => {
  test.each([['0.0.0.0'], ['10.1.2.3'], ['::']])('on non-loopback host %s without ORCH_HTTP_TOKEN: exit 2, one line naming the key, nothing opened', async (host) => {
    const home = join(import.meta.dirname, `never-created-${process.pid}`);
    const run = await cli(['serve', '--host', host, '--port', '0'], { ORCH_HOME: home, ORCH_HTTP_TOKEN: '' });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`orch: ORCH_HTTP_TOKEN="" is invalid: required when orch serve listens on a non-loopback address (host ${host}); set it, or listen on 127.0.0.1\n`);
    expect(existsSync(home)).toBe(false);
  });

  test('with a bad --port: exit 2 naming the flag', async () => {
    const run = await cli(['serve', '--port', '70000'], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('orch: --port "70000" is invalid: a whole number from 0 to 65535\n');
  });
});

describe('a running server', () => {
  let env: PipelineEnv;
  let server: RunningServer;
  const logs: string[] = [];
  const fileHash = (p: string) => (existsSync(p) ? createHash('sha256').update(readFileSync(p)).digest('hex') : 'absent');
  const hashes = () => ['orch.db', 'orch.db-wal'].map((f) => fileHash(join(env.home, f)));

  beforeAll(async () => {
    env = await makePipelineEnv({ env: { ORCH_HTTP_TOKEN: TOKEN } });
    const first = await env.add({ stage: 'deploy-staging' });
    await env.store.db.updateTable('jobs').set({ state: 'deferred', not_before: '2030-01-01T00:00:00.000Z', infra_attempts: 2, detail: JSON.stringify({ result: { reason: 'agent command not found: claude' } }) }).where('task_id', '=', first).execute();
    await raiseAlert(env.store.db, { taskId: first, kind: 'staging-infra', dedupeKey: 'k1', message: 'suite timed out', detail: { attempts: 3 } });
    await env.repo.git('branch', 'other', 'main');
    const second = await env.add({ branch: 'other', stage: 'review' });
    await env.store.db.updateTable('jobs').set({ state: 'running', started_at: '2026-01-01T00:00:00.000Z', lease_owner: 'w1', pid: 4242 }).where('task_id', '=', second).execute();
    // A third task whose merge gate re-tests now: its job ended, the repo's merge lock is held.
    await env.repo.git('branch', 'gating', 'main');
    const third = await env.add({ branch: 'gating', stage: 'deploy-staging' });
    await env.store.db.updateTable('jobs').set({ state: 'succeeded', finished_at: '2026-01-01T00:00:05.000Z' }).where('task_id', '=', third).execute();
    await env.store.db.insertInto('merge_locks').values({ repo: env.repo.dir, holder: 'gate-w2', task_id: third, acquired_at: '2026-01-01T00:00:06.000Z', expires_at: '2030-01-01T00:00:00.000Z' }).execute();
    const log = new Writable({ write: (chunk, _enc, done) => (logs.push(String(chunk)), done()) });
    server = await startServer(env.config, { host: '127.0.0.1', port: 0 }, { level: 'info', stream: log });
  });
  afterAll(async () => {
    await server?.close();
    await env?.cleanup();
  });

  const get = (path: string, token: string | null = TOKEN) => fetch(`${server.url}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });

  test('requests without the bearer get 401, with it 200', async () => {
    for (const path of ['/queue', '/healthz', '/nowhere']) {
      const bare = await get(path, null);
      expect(bare.status).toBe(401);
      expect(bare.headers.get('www-authenticate')).toBe('Bearer realm="orch"');
      expect((await get(path, 'wrong')).status).toBe(401);
    }
    const ok = await get('/healthz');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok' });
    expect((await get('/nowhere')).status).toBe(404);
  });

  test('GET /queue shows what the store holds', async () => {
    const body = (await (await get('/queue')).json()) as QueueSnapshot;
    // Every key is the documented schema's, and no other (strict objects).
    expect(() => QueueResponse.parse(body)).not.toThrow();
    expect(body.queue.tasks.by_state).toEqual({ active: 3, blocked: 0, done: 0 });
    expect(body.queue.tasks.open_by_stage).toMatchObject({ 'deploy-staging': 2, review: 1, analysis: 0 });
    expect(body.queue.jobs.by_state).toEqual({ queued: 0, running: 1, succeeded: 1, failed: 0, deferred: 1, cancelled: 0 });
    expect(body.queue.jobs.pending_by_stage).toMatchObject({ 'deploy-staging': 1, review: 1 });
    expect(body.running).toMatchObject([
      { stage: 'review', agent: 'reviewer', branch: 'other', lease_owner: 'w1', pid: 4242, phase: 'agent' },
      { stage: 'deploy-staging', agent: 'merge-gate', branch: 'gating', phase: 'merge-gate', lease_owner: 'gate-w2', started_at: '2026-01-01T00:00:06.000Z' },
    ]);
    expect(body.deferred).toMatchObject([{ stage: 'deploy-staging', infra_attempts: 2, not_before: '2030-01-01T00:00:00.000Z', cause: 'agent command not found: claude' }]);
    expect(body.merge_locks).toEqual([{ repo: env.repo.dir, holder: 'gate-w2', task_id: expect.any(Number), since: '2026-01-01T00:00:06.000Z', expires_at: '2030-01-01T00:00:00.000Z' }]);
    expect(Object.keys(body.merge_gate.switches)).toEqual(['tree_kill', 'classify', 'infra_retry', 'skip_when_current', 'metrics']);
    expect(body.alerts).toMatchObject({ open: 1, total: 1, recent: [{ kind: 'staging-infra', message: 'suite timed out', detail: { attempts: 3 } }] });
    expect(body.staging_runner).toMatchObject({ enabled: true, repos: ['*'], runs: 0 });
    expect(body.merge_gate).toMatchObject({ retest_timeout_s: 900, counters: { retests: 0, merged: 0 } });
  });

  test('the server never writes: the store files are byte-identical after a burst of requests', async () => {
    await env.store.close();
    const before = hashes();
    await Promise.all(Array.from({ length: 40 }, (_, i) => get(i % 2 ? '/queue' : '/healthz').then((r) => r.text())));
    expect(hashes()).toEqual(before);
  });

  test('the store it reads through refuses writes', async () => {
    const ro = await openReadOnlyStore(env.config);
    try {
      await expect(ro.db.deleteFrom('alerts').execute()).rejects.toThrow(/readonly|read-only/i);
    } finally {
      await ro.close();
    }
  });

  test('the token never reaches the log', () => {
    const text = logs.join('');
    expect(text).toContain('"url":"/queue"');
    expect(text).not.toContain(TOKEN);
  });
});
