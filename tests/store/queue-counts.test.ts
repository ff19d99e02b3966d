// GET /queue's counters are computed by the database: the figures for a store with tasks, jobs,
// merge attempts and staging runs in many states, and a snapshot whose size does not grow with the history (a
// row-counting Kysely plugin sees every row a query hands back to the process).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { readQueue } from '../../src/http/queue.ts';
import { MERGE_CHECK_ID } from '../../src/merge/check.ts';
import { MERGE_COUNTERS } from '../../src/merge/counters.ts';
import { mergeAttemptCounts } from '../../src/store/repos/queue-counts.ts';
import type { Store } from '../../src/store/db.ts';
import { makeTempStore, type TempStore } from '../helpers/store.ts';

let t: TempStore | undefined;
let home: string | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
  if (home) rmSync(home, { recursive: true, force: true });
  home = undefined;
});

const AT = '2026-01-01T00:00:00.000Z';
let branches = 0;

async function task(store: Store, fields: { stage?: string; state?: 'active' | 'blocked' | 'done'; substate?: 'mergeable' | null } = {}): Promise<number> {
  const row = await store.db
    .insertInto('tasks')
    .values({ repo: '/r', branch: `b${++branches}`, base: 'main', title: 't', stage: fields.stage ?? 'development', state: fields.state ?? 'active', substate: fields.substate ?? null, validated_sha: null, blocked_reason: null, created_at: AT, updated_at: AT })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function job(store: Store, taskId: number, stage: string, state: 'queued' | 'running' | 'succeeded' | 'failed' | 'deferred' | 'cancelled', detail: object | null = null): Promise<number> {
  const row = await store.db
    .insertInto('jobs')
    .values({ task_id: taskId, stage, agent: 'developer', state, not_before: null, lease_owner: null, lease_expires_at: null, pid: null, created_at: AT, started_at: null, finished_at: null, outcome: null, detail: detail === null ? null : JSON.stringify(detail) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function attempt(store: Store, taskId: number, verdict: 'pass' | 'fail' | 'defer', detail: object | string | null, rolledBack = false): Promise<void> {
  const transition = rolledBack
    ? (await store.db.insertInto('transitions').values({ task_id: taskId, job_id: null, from_stage: 'deploy-staging', to_stage: 'development', kind: 'rollback', reason: null, created_at: AT }).returning('id').executeTakeFirstOrThrow()).id
    : null;
  const text = detail === null || typeof detail === 'string' ? detail : JSON.stringify(detail);
  await store.db
    .insertInto('gate_results')
    .values({ task_id: taskId, job_id: null, transition_id: transition, from_stage: 'deploy-staging', to_stage: 'deploy', check_id: MERGE_CHECK_ID, verdict, reason: 'r', detail: text, created_at: AT })
    .execute();
}

/** Counts the queries a Kysely instance runs and the rows they hand back. */
class RowCounter implements KyselyPlugin {
  queries = 0;
  rows = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.queries++;
    this.rows += args.result.rows.length;
    return args.result;
  }
}

describe('GET /queue counters in SQL', () => {
  it('the merge counters: each fact once, from the detail each attempt recorded; a detail that is not a JSON object counts as empty', async () => {
    t = await makeTempStore();
    const { store } = t;
    const id = await task(store, { stage: 'deploy-staging' });
    await attempt(store, id, 'pass', { classification: 'pass', retest: { exitCode: 0 }, merged: true, lockWait: { waits: 2, ms: 450 } });
    await attempt(store, id, 'pass', { classification: 'pass', retest: null, skippedRetest: true, merged: true, lockBroken: { holder: 'h', killed: 1 } });
    await attempt(store, id, 'fail', { classification: 'red', retest: { exitCode: 1 } }, true);
    await attempt(store, id, 'fail', { classification: 'conflict', retest: null }, true);
    await attempt(store, id, 'defer', { classification: 'timeout', retest: { exitCode: null }, infraRetry: { attempt: 1 }, lockWait: { waits: 1, ms: 200 } });
    await attempt(store, id, 'defer', { classification: 'lock-busy', retest: null, infraRetry: null, lockWait: null, lockBroken: null });
    await attempt(store, id, 'defer', { classification: 'other', retest: null, infraExhausted: { attempts: 2 }, lockWait: { waits: 1, ms: 'x' } });
    await attempt(store, id, 'pass', { classification: 'pass', retest: { exitCode: 0 }, merged: false, skippedRetest: 'yes' });
    await attempt(store, id, 'defer', null);
    await attempt(store, id, 'defer', { broken: true, classification: 1, merged: 1 });
    await attempt(store, id, 'defer', 'not json at all');
    await attempt(store, id, 'defer', '[{"classification":"red"}]');
    const counters = await mergeAttemptCounts(store.db, store.dialect, MERGE_CHECK_ID);
    expect(counters).toEqual({ retests: 4, skipped: 1, passed: 3, red: 1, timeout: 1, lock_busy: 1, other: 1, infra_retries: 2, exhausted: 1, merged: 2, rollbacks: 2, lock_waits: 2, lock_wait_ms: 650, locks_broken: 1 });
    expect(Object.keys(counters)).toEqual([...MERGE_COUNTERS]);
    // Another check's rows are not the merge gate's.
    expect(await mergeAttemptCounts(store.db, store.dialect, 'check_coverage')).toEqual(Object.fromEntries(MERGE_COUNTERS.map((k) => [k, 0])));
  });

  it('tasks and jobs by state and stage, and reaps; the rows a snapshot reads do not grow with the history', async () => {
    t = await makeTempStore();
    home = mkdtempSync(join(tmpdir(), 'orch-queue-counts-'));
    const { store } = t;
    const config = loadConfig({ env: { ORCH_HOME: home, ORCH_DATABASE_URL: t.url }, envFile: false });
    const a = await task(store, { stage: 'development' });
    const b = await task(store, { stage: 'review' });
    const c = await task(store, { stage: 'deploy-staging', substate: 'mergeable' });
    const d = await task(store, { stage: 'testing', state: 'blocked' });
    await task(store, { stage: 'done', state: 'done' });
    await job(store, a, 'development', 'queued');
    await job(store, b, 'review', 'running', { reaps: [{ reason: 'owner-dead' }, { reason: 'ran-too-long' }] });
    await job(store, c, 'deploy-staging', 'succeeded', { reaps: [{ reason: 'lease-lost' }, 7], result: { stagingRunner: { runs: [{ at: AT, result: 'deferred', reason: 'r' }, { at: AT, result: 'passed', reason: 'r' }] } } });
    await job(store, d, 'testing', 'failed');
    await job(store, d, 'testing', 'deferred', { reaps: 'not a list' });
    await job(store, a, 'development', 'cancelled');
    await attempt(store, c, 'pass', { classification: 'pass', merged: false, retest: null });

    const counter = new RowCounter();
    const read = () => readQueue({ ...store, db: store.db.withPlugin(counter) } as Store, config);
    const first = await read();
    expect(first.queue).toEqual({
      tasks: {
        by_state: { active: 3, blocked: 1, done: 1 },
        by_substate: { mergeable: 1, cancelled: 0 },
        open_by_stage: { analysis: 0, architecture: 0, development: 1, review: 1, testing: 1, 'deploy-staging': 1, deploy: 0, 'post-deploy': 0 },
      },
      jobs: {
        by_state: { queued: 1, running: 1, succeeded: 1, failed: 1, deferred: 1, cancelled: 1 },
        pending_by_stage: { analysis: 0, architecture: 0, development: 1, review: 1, testing: 1, 'deploy-staging': 0, deploy: 0, 'post-deploy': 0 },
        reaps: 3,
      },
    });
    expect(first.merge_gate.counters).toMatchObject({ passed: 1, merged: 0 });
    expect(first.staging_runner).toMatchObject({ runs: 2, passed: 1, deferred: 1 });
    const rowsFirst = counter.rows;

    // History: finished tasks with reaped jobs and merge attempts, none of which a snapshot lists.
    for (let i = 0; i < 25; i++) {
      const old = await task(store, { stage: 'done', state: 'done' });
      await job(store, old, 'deploy', 'succeeded', { reaps: [{ reason: 'owner-dead' }] });
      await job(store, old, 'deploy-staging', 'succeeded', { result: { stagingRunner: { runs: [{ at: AT, result: 'deferred', reason: 'r' }, { at: AT, result: 'passed', reason: 'r' }] } } });
      await attempt(store, old, 'pass', { classification: 'pass', merged: true, retest: { exitCode: 0 } });
    }
    counter.rows = 0;
    const second = await read();
    expect(second.queue.jobs.reaps).toBe(28);
    expect(second.queue.tasks.by_state.done).toBe(26);
    expect(second.merge_gate.counters).toMatchObject({ passed: 26, merged: 25, retests: 25 });
    expect(second.staging_runner).toMatchObject({ runs: 52, passed: 26, deferred: 26, tool_errors: 26 });
    expect(counter.rows).toBe(rowsFirst);
  });
});
