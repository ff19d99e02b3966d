// TC-11: five tasks race into one base. The merge lock lets one gate through at a time; the others
// wait for it (bounded, with backoff) and rebase onto the new base when their turn comes. History stays
// linear, and each merged commit was re-tested on top of its predecessor.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mergeGateBlock } from '../../src/merge/counters.ts';
import { advance } from '../../src/pipeline/advance.ts';
import { gateResultsForTask } from '../../src/store/repos/history.ts';
import type { PipelineEnv } from '../helpers/pipeline.ts';
import { mergeEnv, runRequeued, stagedTask, suite, taskState } from './helpers.ts';

let e: PipelineEnv | undefined;
let scratch: string | undefined;
afterEach(async () => {
  await e?.cleanup();
  e = undefined;
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('merge gate: racing tasks', () => {
  it('TC-11 five tasks racing into one base: linear history, each merged commit re-tested on top of its predecessor', async () => {
    scratch = mkdtempSync(join(tmpdir(), 'orch-race-'));
    const tested = join(scratch, 'tested.log');
    e = await mergeEnv({ ORCH_MERGE_RETEST_CMD: suite('merge-green.sh', tested), ORCH_MERGE_INFRA_RETRIES: '10' });
    const env = e;
    const g = env.repo.git;
    const start = await g('rev-parse', 'main');
    const ids: number[] = [];
    for (let i = 1; i <= 5; i++) {
      await g('checkout', '--quiet', '-b', `race/${i}`, 'main');
      await env.repo.commit(`race-${i}.txt`, `task ${i}\n`);
      ids.push(await stagedTask(env, { branch: `race/${i}` }));
    }
    await g('checkout', '--quiet', 'main');

    const order: number[] = [];
    for (let round = 0; order.length < 5 && round < 10; round++) {
      const waiting = [];
      for (const id of ids) if ((await taskState(env, id)).stage === 'deploy-staging') waiting.push(id);
      const results = await Promise.all(waiting.map((id) => advance(env, id)));
      for (const r of results) if (r.outcome === 'advanced') order.push(r.taskId);
      for (const id of waiting) await runRequeued(env, id);
    }
    expect(order.sort()).toEqual([...ids].sort());

    // Linear: five new commits on main, each the only parent of the next.
    const commits = (await g('rev-list', '--reverse', '--first-parent', `${start}..main`)).split('\n');
    expect(commits).toHaveLength(5);
    expect(await g('rev-list', '--merges', '--count', 'main')).toBe('0');
    // Each commit was re-tested exactly as it landed: "<commit> <its parent>" is in the log, and
    // that parent was the base the previous merge left.
    const lines = new Set(readFileSync(tested, 'utf8').trim().split('\n'));
    let previous = start;
    for (const commit of commits) {
      expect(lines.has(`${commit} ${previous}`)).toBe(true);
      previous = commit;
    }
    // Every merge record moved main from the previous merge's result.
    const moves = [];
    for (const id of ids) {
      for (const row of await gateResultsForTask(env.store.db, id)) {
        const d = row.check_id === 'check_branch_mergeable' && row.detail ? JSON.parse(row.detail) : null;
        if (d?.merged) moves.push([d.baseBefore, d.baseAfter]);
      }
    }
    expect(moves.sort((a, b) => commits.indexOf(a[1]) - commits.indexOf(b[1]))).toEqual(commits.map((c, i) => [i === 0 ? start : commits[i - 1], c]));
    const counters = (await mergeGateBlock(env.store, env.config)).counters;
    expect(counters).toMatchObject({ merged: 5, passed: 5, red: 0, rollbacks: 0, exhausted: 0 });
    // They did race: the losers waited for the lock (no infra budget spent, no re-queue), never rolled back.
    expect(counters?.lock_waits).toBeGreaterThanOrEqual(4);
    expect(counters).toMatchObject({ lock_busy: 0, infra_retries: 0 });
    expect(await env.count('merge_locks')).toBe(0);
  });
});
