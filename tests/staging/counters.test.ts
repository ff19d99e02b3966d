// GET /queue's staging_runner counters come from the store, so every process sees the same figures.
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { stagingCounters, stagingRunnerStatus } from '../../src/staging/counters.ts';
import { runRecordSchema, runsDetail, type RunRecord } from '../../src/staging/record.ts';
import { insertJob } from '../../src/store/repos/jobs.ts';
import { insertTask } from '../../src/store/repos/tasks.ts';
import { makeTempStore, type TempStore } from '../helpers/store.ts';

let temp: TempStore | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

const run = (result: RunRecord['result']): RunRecord => ({ at: '2026-01-01T00:00:00.000Z', result, reason: result });

describe('stagingCounters', () => {
  it('counts every run recorded in deploy-staging jobs, survives a reopen, and ignores what is not a run', async () => {
    temp = await makeTempStore();
    const db = temp.store.db;
    const store = temp.store;
    expect(await stagingCounters(store)).toEqual({ runs: 0, passed: 0, failed: 0, tool_errors: 0, deferred: 0, exhausted: 0, fallbacks: 0 });
    const task = await insertTask(db, { repo: '/r', branch: 'b', base: 'main', title: 't', stage: 'deploy-staging' });
    // Each finish of the job replaces detail.result, the runner carrying its earlier runs forward.
    const finish = (d: string | null, r: RunRecord['result']) => JSON.stringify({ ...JSON.parse(d ?? '{}'), result: { agent: 'staging-runner', ...runsDetail(d, run(r)) } });
    const detail = (results: RunRecord['result'][], start: string | null = null) => results.reduce<string | null>(finish, start);
    const jobs = [
      detail(['deferred', 'deferred', 'exhausted']),
      detail(['passed'], JSON.stringify({ retry: true })),
      detail(['failed']),
      detail(['fallback']),
      '{"result":{"stagingRunner":{"runs":[{"result":"bogus"}]}}}',
      'not json "stagingRunner"',
    ];
    for (const d of jobs) {
      const job = await insertJob(db, { taskId: task.id, stage: 'deploy-staging', agent: 'deployer' });
      await db.updateTable('jobs').set({ detail: d }).where('id', '=', job.id).execute();
    }
    // The same record on a job of another stage is not a staging run.
    const review = await insertJob(db, { taskId: task.id, stage: 'review', agent: 'reviewer' });
    await db.updateTable('jobs').set({ detail: detail(['passed', 'failed']) }).where('id', '=', review.id).execute();
    const expected = { runs: 6, passed: 1, failed: 1, tool_errors: 3, deferred: 2, exhausted: 1, fallbacks: 1 };
    expect(await stagingCounters(store)).toEqual(expected);

    const other = await temp.open();
    try {
      const config = loadConfig({ env: { ORCH_STAGING_RUNNER_REPOS: 'orch, api' }, envFile: false });
      expect(await stagingRunnerStatus(config, other)).toEqual({
        enabled: true, repos: ['orch', 'api'], suite_cmd: null, timeout_s: 900, infra_retries: 3, retry_backoff_s: 30, ...expected,
      });
    } finally {
      await other.close();
    }
  });

  it('a run entry counts exactly when runRecordSchema accepts it: the database applies the schema', async () => {
    temp = await makeTempStore();
    const { store } = temp;
    const task = await insertTask(store.db, { repo: '/r', branch: 'b', base: 'main', title: 't', stage: 'deploy-staging' });
    const ok = { at: '2026-01-01T00:00:00.000Z', result: 'passed', reason: 'r' };
    const entries: unknown[] = [
      ok,
      { ...ok, result: 'failed', exitCode: 1, signal: null, command: ['npm', 'test'], durationMs: 12.5, extra: { kept: true } },
      { ...ok, result: 'deferred', command: null, survivors: 0 },
      { ...ok, exitCode: '1' },
      { ...ok, command: ['npm', 2] },
      { ...ok, command: 'npm test' },
      { ...ok, signal: false },
      { ...ok, reason: undefined },
      { ...ok, at: 5 },
      { ...ok, result: 'PASSED' },
      { ...ok, durationMs: null, line: null, deps: 'linked' },
      [ok],
      'passed',
      null,
    ];
    const job = await insertJob(store.db, { taskId: task.id, stage: 'deploy-staging', agent: 'deployer' });
    await store.db.updateTable('jobs').set({ detail: JSON.stringify({ result: { stagingRunner: { runs: entries } } }) }).where('id', '=', job.id).execute();
    // The expectation is the schema's own verdict on each entry, not a copy of it.
    const by = (r: string) => entries.filter((e) => { const p = runRecordSchema.safeParse(e); return p.success && p.data.result === r; }).length;
    const counters = await stagingCounters(store);
    expect(counters).toMatchObject({ passed: by('passed'), failed: by('failed'), deferred: by('deferred'), exhausted: by('exhausted'), fallbacks: by('fallback') });
    // Four entries are runs: the first three and the one with null and string optionals.
    expect(counters.runs).toBe(4);
  });
});
