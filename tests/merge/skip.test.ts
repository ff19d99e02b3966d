// TC-07: the re-test is skipped only for a proven no-op rebase on the validated HEAD. The re-test
// here is RED, so a skip shows as a merge and a re-test shows as a rollback.
import { afterEach, describe, expect, it } from 'vitest';
import { mergeGateBlock } from '../../src/merge/counters.ts';
import type { PipelineEnv } from '../helpers/pipeline.ts';
import { gate, mergeEnv, stagedTask, suite, wrapGit } from './helpers.ts';

let e: PipelineEnv | undefined;
let unwrap: (() => void) | undefined;
afterEach(async () => {
  unwrap?.();
  unwrap = undefined;
  await e?.cleanup();
  e = undefined;
});
const red = { ORCH_MERGE_RETEST_CMD: suite('merge-red.sh') };

describe('merge gate: skip the re-test when current', () => {
  it('TC-07 a proven no-op on the validated HEAD skips the re-test, and the skip is counted', async () => {
    e = await mergeEnv(red);
    const tip = await e.repo.git('rev-parse', e.repo.branch);
    const id = await stagedTask(e, { validatedSha: tip });
    const { result, detail } = await gate(e, id);
    expect(result.outcome).toBe('advanced');
    expect(detail).toMatchObject({ skippedRetest: true, retest: null, merged: true, testedHead: tip });
    expect(detail.skipReason).toBe(`skipped: the rebase was a no-op and HEAD ${tip.slice(0, 12)} is the validated commit`);
    expect(await e.repo.git('rev-parse', 'main')).toBe(tip);
    expect((await mergeGateBlock(e.store, e.config)).counters).toMatchObject({ skipped: 1, retests: 0, passed: 1, merged: 1 });
  });

  it('TC-07 a moved base re-tests', async () => {
    e = await mergeEnv(red);
    const tip = await e.repo.git('rev-parse', e.repo.branch);
    await e.repo.git('commit', '--quiet', '--allow-empty', '-m', 'main moves on');
    const id = await stagedTask(e, { validatedSha: tip });
    const { result, detail } = await gate(e, id);
    expect(result.outcome).toBe('rolled-back');
    expect(detail).toMatchObject({ skippedRetest: false, skipReason: 're-test: the base has commits the branch did not contain, so the rebase changed the code', retest: { exitCode: 1 } });
  });

  it('TC-07 a HEAD other than the validated one re-tests', async () => {
    e = await mergeEnv(red);
    const main = await e.repo.git('rev-parse', 'main');
    const id = await stagedTask(e, { validatedSha: main });
    const { detail } = await gate(e, id);
    expect(detail).toMatchObject({ skippedRetest: false, retest: { exitCode: 1 } });
    expect(detail.skipReason).toMatch(/^re-test: HEAD [0-9a-f]{12} is not the validated commit [0-9a-f]{12}$/);
  });

  it('TC-07 a git error while proving the no-op re-tests', async () => {
    e = await mergeEnv(red);
    const tip = await e.repo.git('rev-parse', e.repo.branch);
    const id = await stagedTask(e, { validatedSha: tip });
    unwrap = wrapGit(null, 'merge-base --end-of-options');
    const { result, detail } = await gate(e, id);
    expect(detail.skipReason).toBe('re-test: the no-op could not be proven (git merge-base failed: fatal: injected failure for test (merge-base --end-of-options))');
    expect(detail).toMatchObject({ skippedRetest: false, retest: { exitCode: 1 } });
    expect(result.outcome).toBe('rolled-back');
  });
});
