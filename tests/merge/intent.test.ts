// The merge gate's write-ahead intent (docs/architecture/merge-gate.md, "A kill between the merge
// and its record"): a merge whose record a kill cut off is recorded by the next attempt, once;
// a stale intent is dropped; nothing changes for a branch the base already holds without one.
// Real temp repos, a real store, the real re-test fixture.
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/pipeline/advance.ts';
import { discardGate } from '../../src/pipeline/gates/apply.ts';
import { gateResultsForTask } from '../../src/store/repos/history.ts';
import { findMergeIntent, writeMergeIntent } from '../../src/store/repos/merge-intents.ts';
import { parseJsonObject } from '../../src/util/json.ts';
import type { PipelineEnv } from '../helpers/pipeline.ts';
import { gate, mergeEnv, stagedTask } from './helpers.ts';

let e: PipelineEnv | undefined;
afterEach(async () => {
  await e?.cleanup();
  e = undefined;
});

/** The task's recorded merge-gate attempts that say the base moved. */
async function mergedRecords(env: PipelineEnv, id: number): Promise<Array<Record<string, unknown>>> {
  const rows = (await gateResultsForTask(env.store.db, id)).filter((g) => g.check_id === 'check_branch_mergeable');
  return rows.map((r) => parseJsonObject(r.detail) ?? {}).filter((d) => d.merged === true);
}

/** The merge action of a task's evaluated gate. */
async function mergeAction(env: PipelineEnv, id: number) {
  const evaluation = await evaluate(env, id);
  const check = evaluation.gate?.checks.find((c) => 'action' in c);
  if (!check || !('action' in check)) throw new Error(`no merge action: ${JSON.stringify(evaluation.gate?.checks)}`);
  return { evaluation, action: check.action };
}

describe('merge intent', () => {
  it('a merge killed before its record is recorded by the next attempt: merged once, recovered, no intent left', async () => {
    e = await mergeEnv();
    await e.repo.git('commit', '--quiet', '--allow-empty', '-m', 'main moves on');
    const id = await stagedTask(e);
    // The apply step runs (intent written, refs moved) and the worker dies before the record.
    const { action } = await mergeAction(e, id);
    expect((await action.apply()).verdict).toBe('pass');
    const merged = await e.repo.git('rev-parse', 'main');
    expect(await findMergeIntent(e.store.db, id)).toMatchObject({ base: 'main', planned_sha: merged });
    expect(await mergedRecords(e, id)).toEqual([]);

    const { result, detail } = await gate(e, id);
    expect(result.outcome).toBe('advanced');
    expect(detail).toMatchObject({ merged: true, recovered: true, testedHead: merged, action: 'merge' });
    expect(detail.reason).toContain(`already contains ${merged.slice(0, 12)}: an interrupted attempt moved main`);
    expect(await e.repo.git('rev-parse', 'main')).toBe(merged);
    expect(await mergedRecords(e, id)).toHaveLength(1);
    expect(await findMergeIntent(e.store.db, id)).toBeUndefined();
  });

  it('killed between the base and the branch: the recovery moves the task branch by compare-and-swap', async () => {
    e = await mergeEnv();
    const id = await stagedTask(e);
    const baseOld = await e.repo.git('rev-parse', 'main');
    const tip = await e.repo.git('rev-parse', e.repo.branch);
    // The branch is one commit ahead of main: the tested HEAD is its tip. Fake the branch behind it.
    await e.repo.git('update-ref', `refs/heads/${e.repo.branch}`, baseOld, tip);
    await writeMergeIntent(e.store.db, { taskId: id, base: 'main', baseOld, plannedSha: tip });
    await e.repo.git('merge', '--ff-only', '--quiet', tip);

    const { detail } = await gate(e, id);
    expect(detail).toMatchObject({ merged: true, recovered: true, testedHead: tip });
    expect(await e.repo.git('rev-parse', e.repo.branch)).toBe(tip);
    expect(await mergedRecords(e, id)).toHaveLength(1);
    expect(await findMergeIntent(e.store.db, id)).toBeUndefined();
  });

  it('a recovered merge passes even where no merge is asked for now (a task staged without --merge): it was asked for then', async () => {
    e = await mergeEnv();
    const id = await stagedTask(e);
    await sql`update tasks set merge_policy = 'ask' where id = ${id}`.execute(e.store.db);
    const baseOld = await e.repo.git('rev-parse', 'main');
    const tip = await e.repo.git('rev-parse', e.repo.branch);
    await writeMergeIntent(e.store.db, { taskId: id, base: 'main', baseOld, plannedSha: tip });
    await e.repo.git('merge', '--ff-only', '--quiet', tip);

    const { result, detail } = await gate(e, id);
    expect(result.outcome).toBe('advanced');
    expect(detail).toMatchObject({ merged: true, recovered: true, action: 'merge' });
    expect(await mergedRecords(e, id)).toHaveLength(1);
    expect(await findMergeIntent(e.store.db, id)).toBeUndefined();
  });

  it('an intent whose commit the base does not contain is dropped and the gate merges as usual, once', async () => {
    e = await mergeEnv();
    await e.repo.git('commit', '--quiet', '--allow-empty', '-m', 'main moves on');
    const id = await stagedTask(e);
    const baseOld = await e.repo.git('rev-parse', 'main');
    const tip = await e.repo.git('rev-parse', e.repo.branch);
    await writeMergeIntent(e.store.db, { taskId: id, base: 'main', baseOld, plannedSha: tip });

    const { result, detail } = await gate(e, id);
    expect(result.outcome).toBe('advanced');
    expect(detail).toMatchObject({ merged: true, action: 'merge' });
    expect(detail.recovered).toBeUndefined();
    expect(await e.repo.git('rev-parse', 'main^')).toBe(baseOld);
    expect(await mergedRecords(e, id)).toHaveLength(1);
    expect(await findMergeIntent(e.store.db, id)).toBeUndefined();
  });

  it('a discarded evaluation leaves no intent, and a merge whose base move was refused drops its own', async () => {
    e = await mergeEnv();
    await e.repo.git('commit', '--quiet', '--allow-empty', '-m', 'main moves on');
    const id = await stagedTask(e);
    const tip = await e.repo.git('rev-parse', e.repo.branch);
    await writeMergeIntent(e.store.db, { taskId: id, base: 'main', baseOld: tip, plannedSha: tip });
    const { evaluation } = await mergeAction(e, id);
    await discardGate(evaluation.gate!);
    expect(await findMergeIntent(e.store.db, id)).toBeUndefined();

    const { action } = await mergeAction(e, id);
    // Someone moves main between the evaluation and the apply step: the compare-and-swap refuses.
    await e.repo.git('commit', '--quiet', '--allow-empty', '-m', 'main moves again');
    const answer = await action.apply();
    expect(answer.verdict).not.toBe('pass');
    expect(answer.reason).toContain('no longer');
    expect(await findMergeIntent(e.store.db, id)).toBeUndefined();
  });

  it('a branch the base already contains, with no intent: up-to-date, merged false (issue 13.10)', async () => {
    e = await mergeEnv();
    const id = await stagedTask(e);
    await e.repo.git('merge', '--ff-only', '--quiet', e.repo.branch);
    const before = await e.repo.git('rev-parse', 'main');

    const { detail } = await gate(e, id);
    expect(detail).toMatchObject({ merged: false, upToDate: true, action: 'up-to-date' });
    expect(detail.recovered).toBeUndefined();
    expect(await e.repo.git('rev-parse', 'main')).toBe(before);
    expect(await mergedRecords(e, id)).toEqual([]);
  });
});
