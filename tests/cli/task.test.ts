import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type Store } from '../../src/store/db.ts';
import type { Database } from '../../src/store/schema.ts';
import { cli } from '../helpers/cli.ts';
import { makeTempRepo, type TempRepo } from '../helpers/git-repo.ts';
import { countRows } from '../helpers/store.ts';

let repo: TempRepo;
let home: string;
let plain: string;
let env: Record<string, string>;
beforeAll(async () => {
  repo = await makeTempRepo({ featureCommits: 1 });
  plain = mkdtempSync(join(tmpdir(), 'orch-plain-'));
});
afterAll(() => {
  repo.cleanup();
  rmSync(plain, { recursive: true, force: true });
});
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'orch-cli-'));
  env = { ORCH_HOME: home };
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

async function withDb<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openSqliteStore(join(home, 'orch.db'));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
const counts = () => withDb(async (s) => Promise.all((['tasks', 'jobs', 'transitions', 'gate_results', 'alerts'] as (keyof Database)[]).map((t) => countRows(s, t))));
const add = (...extra: string[]) => cli(['task', 'add', '--repo', repo.dir, '--branch', repo.branch, '--title', 'Add greeting', ...extra], env);

describe('orch task add', () => {
  it('adds a task and queues the first job', async () => {
    const r = await add();
    expect(r).toEqual({ code: 0, stderr: '', stdout: `task 1 added: ${repo.branch} (base main) of ${repo.dir}, stage analysis\njob 1 queued for analyst\n` });
    expect(await counts()).toEqual([1, 1, 0, 0, 0]);
  });

  it('--stage starts later in the pipeline and queues that stage role; --json prints one JSON value', async () => {
    const r = await add('--stage', 'review', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ task: { id: 1, stage: 'review', state: 'active', base: 'main', repo: repo.dir }, job: { agent: 'reviewer', state: 'queued' } });
  });

  it.each([
    ['a folder that is not a git repo', ['--repo', '<plain>'], `orch: repo "<plain>" is not a git repository with a work tree; --repo takes the folder of a git work tree`],
    ['a missing folder', ['--repo', '<plain>/nope'], `orch: repo "<plain>/nope" is not a folder; --repo takes the folder of a git work tree`],
    ['a branch that does not exist', ['--branch', 'feature/missing'], 'orch: --branch: branch "feature/missing" does not exist in <repo>'],
    ['a base that does not exist', ['--base', 'trunk'], 'orch: --base: branch "trunk" does not exist in <repo>'],
    ['a branch that fails check-ref-format', ['--branch', 'bad..name'], 'orch: --branch: "bad..name" is not a valid branch name (git check-ref-format --branch refuses it)'],
    ['a branch with a space', ['--branch', 'a b'], 'orch: --branch: "a b" is not a valid branch name (git check-ref-format --branch refuses it)'],
    ['a branch named like an option', ['--branch', '--upload-pack=x'], 'orch: --branch: branch name "--upload-pack=x" starts with "-" and could be read as an option; names must not start with "-"'],
    ['a base named like an option', ['--base=-x'], 'orch: --base: branch name "-x" starts with "-" and could be read as an option; names must not start with "-"'],
    ['the base as branch', ['--branch', 'main'], 'orch: --branch and --base are both "main"; a task works on its own branch'],
    ['an unknown stage', ['--stage', 'qa'], 'orch: --stage "qa" is not a stage a task can start on; allowed: analysis, architecture, development, review, testing, deploy-staging, deploy, post-deploy'],
    ['the done stage', ['--stage', 'done'], 'orch: --stage "done" is not a stage a task can start on; allowed: analysis, architecture, development, review, testing, deploy-staging, deploy, post-deploy'],
    ['an empty title', ['--title', '  '], 'orch: --title must be one non-empty line of text'],
  ])('refuses %s: exit 2, one line, nothing written', async (_name, override, message) => {
    const args: Record<string, string> = { '--repo': repo.dir, '--branch': repo.branch, '--title': 'Add greeting' };
    const rest: string[] = [];
    for (let i = 0; i < override.length; i++) {
      const flag = override[i] as string;
      if (flag in args && i + 1 < override.length) args[flag] = (override[++i] as string).replace('<plain>', plain);
      else rest.push(flag);
    }
    const r = await cli(['task', 'add', ...Object.entries(args).flat(), ...rest], env);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `${message.replaceAll('<plain>', plain).replaceAll('<repo>', repo.dir)}\n` });
    expect(await counts()).toEqual([0, 0, 0, 0, 0]);
  });

  it('refuses a second open task on the same branch', async () => {
    await add();
    const r = await add();
    expect(r).toEqual({ code: 2, stdout: '', stderr: `orch: task 1 already works on branch "${repo.branch}" of ${repo.dir} (stage analysis, active)\n` });
    expect(await counts()).toEqual([1, 1, 0, 0, 0]);
  });

  it('a missing required option is a usage error in the same shape', async () => {
    const r = await cli(['task', 'add', '--repo', repo.dir, '--title', 't'], env);
    expect(r).toEqual({ code: 2, stdout: '', stderr: "orch: required option '--branch <name>' not specified\n" });
  });

  it('a bad config value stops with exit 2 naming the key', async () => {
    const r = await cli(['task', 'list'], { ...env, ORCH_VERDICT_RERUNS: 'many' });
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'orch: ORCH_VERDICT_RERUNS="many" is invalid: a whole number from 0 to 10\n' });
  });
});

describe('orch task list / show', () => {
  it('list prints an aligned table, and --json exactly one JSON array', async () => {
    expect((await cli(['task', 'list'], env)).stdout).toBe('no tasks yet: `orch task add --repo DIR --branch B --title T` adds one\n');
    await add();
    const table = await cli(['task', 'list'], env);
    const name = basename(repo.dir);
    const pad = ' '.repeat(name.length - 'REPO'.length);
    expect(table.stdout).toBe(
      [`ID  REPO${pad}  STAGE     STATE   BRANCH          BASE  TITLE`, `1   ${name}  analysis  active  ${repo.branch}  main  Add greeting`, ''].join('\n'),
    );
    const json = await cli(['task', 'list', '--json'], env);
    expect(JSON.parse(json.stdout)).toMatchObject([{ id: 1, branch: repo.branch, stage: 'analysis' }]);
  });

  it('show prints the timeline: jobs, gate results, transitions and alerts', async () => {
    await add('--stage', 'development');
    await withDb(async (s) => {
      await s.db.updateTable('jobs').set({ state: 'succeeded', outcome: 'ok' }).execute();
    });
    expect((await cli(['advance', '1'], env)).code).toBe(0);
    const r = await cli(['task', 'show', '1'], env);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n').map((l) => l.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/, '<t>'));
    expect(lines).toEqual([
      'task 1: Add greeting',
      `  repo     ${repo.dir}`,
      `  branch   ${repo.branch} (base main)`,
      '  stage    review (active), version 1',
      'timeline:',
      '  <t>  job 1 developer on development (attempt 1): succeeded (ok)',
      `  <t>  gate development->review check_branch_has_commits: pass: branch ${repo.branch} is 1 commit(s) ahead of main`,
      `  <t>  forward development -> review: branch ${repo.branch} is 1 commit(s) ahead of main`,
      '  <t>  job 2 reviewer on review (attempt 1): queued',
    ]);
    const json = JSON.parse((await cli(['task', 'show', '1', '--json'], env)).stdout);
    expect(json).toMatchObject({ task: { id: 1, stage: 'review' }, transitions: [{ kind: 'forward' }], gateResults: [{ check_id: 'check_branch_has_commits', detail: { ahead: 1 } }] });
    expect(json.timeline).toHaveLength(4);
  });

  it.each([
    [['task', 'show', 'abc'], 'orch: task id must be a positive whole number, got "abc"'],
    [['task', 'show', '0'], 'orch: task id must be a positive whole number, got "0"'],
    [['task', 'show', '7'], 'orch: task 7 does not exist; `orch task list` shows the tasks'],
    [['task', 'retry', '7'], 'orch: task 7 does not exist; `orch task list` shows the tasks'],
    [['advance', '-1'], 'orch: task id must be a positive whole number, got "-1"'],
    [['advance', '--json'], "orch: missing required argument 'id'"],
  ])('%j is a usage error', async (argv, message) => {
    expect(await cli(argv, env)).toEqual({ code: 2, stdout: '', stderr: `${message}\n` });
  });
});

describe('orch advance / task retry', () => {
  it('exit codes follow the outcome: 75 deferred, 1 rolled back, 0 advanced', async () => {
    await add('--stage', 'review');
    expect(await cli(['advance', '1'], env)).toMatchObject({ code: 75, stdout: expect.stringContaining('task 1 deferred: stays on review') });
    await withDb((s) => s.db.updateTable('jobs').set({ state: 'succeeded' }).execute());
    writeFileSync(join(home, 'tasks', '1', '10-review.md'), 'review_status: CHANGES_REQUESTED\n');
    const rolled = await cli(['advance', '1', '--json'], env);
    expect(rolled.code).toBe(1);
    expect(JSON.parse(rolled.stdout)).toMatchObject({ outcome: 'rolled-back', from: 'review', to: 'development' });
  });

  it('retry unblocks a blocked task and queues its stage job', async () => {
    const base = await makeTempRepo({ featureCommits: 0 });
    try {
      expect((await cli(['task', 'add', '--repo', base.dir, '--branch', base.branch, '--title', 't', '--stage', 'development'], env)).code).toBe(0);
      await withDb((s) => s.db.updateTable('jobs').set({ state: 'failed' }).execute());
      const blocked = await cli(['advance', '1'], env);
      expect(blocked).toMatchObject({ code: 1, stdout: expect.stringContaining('task 1 blocked: stays on development') });
      expect(await cli(['advance', '1'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('orch: task 1 is blocked, only an active task can advance') });
      expect(await cli(['task', 'retry', '1'], env)).toEqual({ code: 0, stderr: '', stdout: 'task 1 unblocked on development; job 2 queued for developer\n' });
      expect(await cli(['task', 'retry', '1'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('already has job 2 (developer) queued') });
    } finally {
      base.cleanup();
    }
  });
});
