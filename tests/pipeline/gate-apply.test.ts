// A check decides; the apply step acts. Evaluating a gate (evaluate()) moves no ref, touches no
// checkout and writes no task record: the merge and the coverage checkout happen in conclude().
// Real temp repos, a real store, the real re-test and coverage fixture commands.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { worktreePath } from '../../src/config/task-paths.ts';
import { conclude, evaluate } from '../../src/pipeline/advance.ts';
import { discardGate } from '../../src/pipeline/gates/apply.ts';
import { getTask } from '../../src/store/repos/tasks.ts';
import { ensureTaskWorktree } from '../../src/worktree/ensure.ts';
import type { PipelineEnv } from '../helpers/pipeline.ts';
import { mergeEnv, stagedTask, suite } from '../merge/helpers.ts';

let e: PipelineEnv | undefined;
afterEach(async () => {
  await e?.cleanup();
  e = undefined;
});

/** Every ref of the repo and the operator's HEAD and status: what a merge or a checkout would change. */
async function repoState(env: PipelineEnv): Promise<string[]> {
  const g = env.repo.git;
  return [await g('for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads'), await g('rev-parse', 'HEAD'), await g('status', '--porcelain')];
}

function head(dir: string): string {
  return execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
}

describe('gate checks decide, the apply step acts', () => {
  it('check_branch_mergeable: evaluation leaves every ref where it was; conclude() moves the base', async () => {
    e = await mergeEnv();
    await e.repo.git('commit', '--quiet', '--allow-empty', '-m', 'main moves on');
    const oldBase = await e.repo.git('rev-parse', 'main');
    const id = await stagedTask(e);
    const before = await repoState(e);

    const evaluation = await evaluate(e, id);
    expect(evaluation.gate?.checks.map((c) => ('action' in c ? `${c.checkId}: action` : `${c.checkId}: ${c.result.verdict}`))).toEqual([
      'check_staging_status: pass',
      'check_branch_mergeable: action',
    ]);
    expect(await repoState(e)).toEqual(before);
    expect(await getTask(e.store.db, id)).toMatchObject({ stage: 'deploy-staging', version: 0 });

    const { decision } = await conclude(e, evaluation);
    expect(decision).toMatchObject({ outcome: 'advanced', transition: { to: 'deploy' } });
    const main = await e.repo.git('rev-parse', 'main');
    expect(await e.repo.git('rev-parse', `${main}^`)).toBe(oldBase);
    expect(await e.repo.git('rev-parse', e.repo.branch)).toBe(main);
  });

  it('a discarded evaluation moves nothing and releases the merge lock for the next one', async () => {
    e = await mergeEnv();
    await e.repo.git('commit', '--quiet', '--allow-empty', '-m', 'main moves on');
    const id = await stagedTask(e);
    const before = await repoState(e);
    const evaluation = await evaluate(e, id);
    await discardGate(evaluation.gate!);
    expect(await repoState(e)).toEqual(before);
    // A discarded merge is never performed afterwards: its lock is gone.
    const merge = evaluation.gate!.checks.find((c) => 'action' in c);
    const late = merge && 'action' in merge ? await merge.action.apply() : undefined;
    expect(late?.verdict).not.toBe('pass');
    expect(JSON.stringify(late)).toContain('already discarded');
    expect(await repoState(e)).toEqual(before);
    // Were the lock still held by this task, the next evaluation would step aside (lock-busy).
    const { decision } = await conclude(e, await evaluate(e, id));
    expect(decision?.outcome).toBe('advanced');
  });

  it('check_coverage: evaluation leaves the task worktree where it was; conclude() checks it out and measures', async () => {
    e = await mergeEnv({ ORCH_COVERAGE_MIN: '80', ORCH_COVERAGE_CMD: suite('merge-coverage.sh', '91.5') });
    const id = await e.add({ stage: 'testing' });
    e.write(id, '12-test-report.md', 'test_status: PASSED\n');
    await e.finishJobs(id);
    const { path } = await ensureTaskWorktree(e.config, await getTask(e.store.db, id));
    execFileSync('git', ['-C', path, 'checkout', '--quiet', '--detach', 'main']);
    const main = await e.repo.git('rev-parse', 'main');
    const tip = await e.repo.git('rev-parse', e.repo.branch);

    const evaluation = await evaluate(e, id);
    expect(evaluation.gate?.checks.map((c) => ('action' in c ? `${c.checkId}: action` : `${c.checkId}: ${c.result.verdict}`))).toEqual([
      'check_test_status: pass',
      'check_coverage: action',
    ]);
    expect(head(path)).toBe(main);
    expect(existsSync(`${path}/coverage`)).toBe(false);

    const { decision } = await conclude(e, evaluation);
    expect(decision).toMatchObject({ outcome: 'advanced', transition: { to: 'deploy-staging' } });
    expect(head(path)).toBe(tip);
    expect(worktreePath(e.config, id)).toBe(path);
  });
});
