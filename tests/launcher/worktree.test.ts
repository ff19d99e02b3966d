// Task worktrees: made lazily, detached at the branch tip, safe to create in parallel, and moved
// back to the tip before each job without losing anything a run left behind.
import { existsSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getTask } from '../../src/store/repos/tasks.ts';
import { prepareWorktree } from '../../src/worktree/prepare.ts';
import { publishBranch } from '../../src/worktree/publish.ts';
import { makeTempRepo, type TempRepo } from '../helpers/git-repo.ts';
import { makePipelineEnv, type PipelineEnv } from '../helpers/pipeline.ts';

let repo: TempRepo;
let env: PipelineEnv | undefined;
beforeAll(async () => {
  repo = await makeTempRepo();
});
afterAll(() => repo.cleanup());
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

describe('prepareWorktree', () => {
  it('re-creates a worktree whose folder was deleted while git still lists it', async () => {
    const e = (env = await makePipelineEnv({ repo }));
    const task = await getTask(e.store.db, await e.add());
    const first = await prepareWorktree(e.config, task, 1);
    rmSync(first.path, { recursive: true, force: true });
    expect(await repo.git('worktree', 'list', '--porcelain')).toContain(`worktree ${realpathSync(dirname(first.path))}`);
    const again = await prepareWorktree(e.config, task, 2);
    expect(again).toMatchObject({ path: first.path, created: true });
    expect(await repo.git('-C', again.path, 'rev-parse', 'HEAD')).toBe(await repo.git('rev-parse', repo.branch));
  });

  it('creates the worktree detached at the branch tip, even while the branch is checked out elsewhere', async () => {
    const e = (env = await makePipelineEnv({ repo }));
    await repo.git('checkout', '--quiet', repo.branch);
    try {
      const task = await getTask(e.store.db, await e.add());
      const w = await prepareWorktree(e.config, task, 1);
      expect(w).toMatchObject({ path: join(e.home, 'worktrees', String(task.id)), created: true, tip: await repo.git('rev-parse', repo.branch) });
      expect(await repo.git('-C', w.path, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('HEAD');
    } finally {
      await repo.git('checkout', '--quiet', 'main');
    }
  });

  it('six tasks of one repository get their worktrees at once', async () => {
    const e = (env = await makePipelineEnv({ repo }));
    const tasks = [];
    for (let i = 0; i < 6; i++) {
      await repo.git('branch', '--force', `par/${i}`, repo.branch);
      tasks.push(await getTask(e.store.db, await e.add({ branch: `par/${i}` })));
    }
    const made = await Promise.all(tasks.map((t) => prepareWorktree(e.config, t, t.id)));
    expect(made.every((w) => w.created && existsSync(join(w.path, 'greet.js')))).toBe(true);
  });

  it('before the next job: leftovers are stashed and the worktree moves to the tip; unpublished commits are reported', async () => {
    const e = (env = await makePipelineEnv({ repo }));
    const task = await getTask(e.store.db, await e.add());
    const w = await prepareWorktree(e.config, task, 1);
    const git = (...args: string[]) => repo.git('-C', w.path, ...args);
    writeFileSync(join(w.path, 'local.txt'), 'left by a run\n');
    await git('commit', '--quiet', '--allow-empty', '-m', 'not published');
    const stray = await git('rev-parse', 'HEAD');
    writeFileSync(join(w.path, 'untracked.txt'), 'also left\n');
    const again = await prepareWorktree(e.config, task, 2);
    expect(again).toMatchObject({ created: false, tip: w.tip, leftHead: stray });
    expect(again.stashed).toMatch(/^[0-9a-f]{40}$/);
    expect(await git('rev-parse', 'HEAD')).toBe(w.tip);
    expect(await git('status', '--porcelain')).toBe('');
    expect(await git('show', '--name-only', '--format=', `${again.stashed}^3`)).toBe('local.txt\nuntracked.txt');
  });
});

describe('publishBranch', () => {
  it('moves the branch only by compare-and-swap: a branch that moved meanwhile is refused', async () => {
    const e = (env = await makePipelineEnv({ repo }));
    await repo.git('branch', '--force', 'cas', repo.branch);
    const task = await getTask(e.store.db, await e.add({ branch: 'cas' }));
    const w = await prepareWorktree(e.config, task, 1);
    await repo.git('-C', w.path, 'commit', '--quiet', '--allow-empty', '-m', 'work');
    const head = await repo.git('-C', w.path, 'rev-parse', 'HEAD');
    // Someone else moves the branch while the job runs.
    await repo.git('branch', '--force', 'cas', 'main');
    expect(await publishBranch(repo.dir, 'cas', w.path, w.tip, 1)).toMatchObject({ kind: 'moved', head, tip: w.tip });
    expect(await repo.git('rev-parse', 'cas')).toBe(await repo.git('rev-parse', 'main'));
    await repo.git('branch', '--force', 'cas', w.tip);
    expect(await publishBranch(repo.dir, 'cas', w.path, w.tip, 1)).toEqual({ kind: 'published', from: w.tip, to: head, commits: 1 });
    expect(await publishBranch(repo.dir, 'cas', w.path, head, 2)).toEqual({ kind: 'unchanged', head });
  });
});
