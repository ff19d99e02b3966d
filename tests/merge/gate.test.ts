// check_branch_mergeable end to end through advance(): real temp repos, real re-test processes.
// TC-01..03 (pass, red, conflict) and TC-07 (the re-test is skipped only for a proven no-op
// rebase on the validated HEAD; there the re-test is RED, so a skip shows as a merge).
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mergeGateBlock } from '../../src/merge/counters.ts';
import { worktreePath } from '../../src/config/task-paths.ts';
import type { PipelineEnv } from '../helpers/pipeline.ts';
import { gate, jobSummary, mergeEnv, stagedTask, suite, taskState, wrapGit } from './helpers.ts';

let e: PipelineEnv | undefined;
let unwrap: (() => void) | undefined;
afterEach(async () => {
  unwrap?.();
  unwrap = undefined;
  await e?.cleanup();
  e = undefined;
});

describe('merge gate: pass, red, conflict', () => {
  it('TC-01 green re-test: base fast-forwarded to the tested HEAD, old base an ancestor of the new', async () => {
    e = await mergeEnv();
    const g = e.repo.git;
    await g('commit', '--quiet', '--allow-empty', '-m', 'main moves on');
    const oldBase = await g('rev-parse', 'main');
    const id = await stagedTask(e);
    const { result, detail } = await gate(e, id);
    expect(result).toMatchObject({ outcome: 'advanced', from: 'deploy-staging', to: 'deploy' });
    const newBase = await g('rev-parse', 'main');
    expect(detail).toMatchObject({ classification: 'pass', action: 'merge', merged: true, skippedRetest: false, baseBefore: oldBase, baseAfter: newBase, testedHead: newBase });
    expect(detail.retest).toMatchObject({ outcome: 'exited', exitCode: 0 });
    await g('merge-base', '--is-ancestor', oldBase, newBase);
    expect(await g('rev-parse', `${newBase}^`)).toBe(oldBase);
    // The operator's checkout of main was fast-forwarded in place: clean, at the new tip.
    expect(await g('status', '--porcelain')).toBe('');
    expect(await g('rev-parse', e.repo.branch)).toBe(newBase);
    expect(existsSync(worktreePath(e.config, id))).toBe(true);
    expect(await g('rev-list', '--merges', '--count', 'main')).toBe('0');
  });

  it('TC-01 a rebase that writes commits works without any git identity configured: orch commits as itself', async () => {
    e = await mergeEnv();
    const g = e.repo.git;
    await g('commit', '--quiet', '--allow-empty', '-m', 'main moves on');
    const emptyConfig = join(e.home, 'empty-gitconfig');
    writeFileSync(emptyConfig, '');
    const saved = { global: process.env.GIT_CONFIG_GLOBAL, system: process.env.GIT_CONFIG_NOSYSTEM };
    process.env.GIT_CONFIG_GLOBAL = emptyConfig;
    process.env.GIT_CONFIG_NOSYSTEM = '1';
    try {
      const id = await stagedTask(e);
      const { result } = await gate(e, id);
      expect(result).toMatchObject({ outcome: 'advanced', to: 'deploy' });
      expect(await g('log', '-1', '--format=%cn <%ce>', 'main')).toBe('orch <orch@localhost>');
    } finally {
      for (const [key, value] of [['GIT_CONFIG_GLOBAL', saved.global], ['GIT_CONFIG_NOSYSTEM', saved.system]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it('TC-01 with the base not checked out anywhere: compare-and-swap update-ref', async () => {
    e = await mergeEnv();
    await e.repo.git('checkout', '--quiet', '--detach');
    const oldBase = await e.repo.git('rev-parse', 'main');
    const id = await stagedTask(e);
    const { result, detail } = await gate(e, id);
    expect(result.outcome).toBe('advanced');
    const newBase = await e.repo.git('rev-parse', 'main');
    expect(newBase).toBe(detail.testedHead);
    expect(await e.repo.git('rev-parse', `${newBase}^`)).toBe(oldBase);
    expect(detail.steps?.[0]).toBe(`moved refs/heads/main ${oldBase.slice(0, 12)} -> ${newBase.slice(0, 12)}`);
  });

  it('TC-02 red re-test: rollback to development, base unchanged', async () => {
    e = await mergeEnv({ ORCH_MERGE_RETEST_CMD: suite('merge-red.sh') });
    const oldBase = await e.repo.git('rev-parse', 'main');
    const id = await stagedTask(e);
    const { result, detail } = await gate(e, id);
    expect(result).toMatchObject({ outcome: 'rolled-back', to: 'development' });
    expect(result.reason).toBe('check_branch_mergeable: red: re-test failed with exit code 1');
    expect(detail).toMatchObject({ classification: 'red', class: 'code', action: 'rollback', merged: false });
    expect(await e.repo.git('rev-parse', 'main')).toBe(oldBase);
    expect(await jobSummary(e, id)).toEqual(['deploy-staging:deployer:succeeded', 'development:developer:queued']);
  });

  it('TC-03 conflict: rollback, the rebase aborted, worktree clean, base unchanged', async () => {
    e = await mergeEnv();
    const g = e.repo.git;
    // main and the branch both change change-0.txt.
    await e.repo.commit('change-0.txt', 'main says otherwise\n');
    const oldBase = await g('rev-parse', 'main');
    const oldBranch = await g('rev-parse', e.repo.branch);
    const id = await stagedTask(e);
    const { result, detail } = await gate(e, id);
    expect(result).toMatchObject({ outcome: 'rolled-back', to: 'development' });
    expect(detail).toMatchObject({ classification: 'conflict', class: 'code', retest: null });
    expect(detail.reason).toBe('rebase onto main conflicts in change-0.txt; the rebase was aborted');
    expect(await g('rev-parse', 'main')).toBe(oldBase);
    expect(await g('rev-parse', e.repo.branch)).toBe(oldBranch);
    const wt = worktreePath(e.config, id);
    expect(await g('-C', wt, 'status', '--porcelain')).toBe('');
    expect(await g('-C', wt, 'rev-parse', 'HEAD')).toBe(oldBranch);
    expect(existsSync(`${await g('-C', wt, 'rev-parse', '--absolute-git-dir')}/rebase-merge`)).toBe(false);
    expect(await taskState(e, id)).toEqual({ stage: 'development', state: 'active' });
  });
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
