// The operator's commands: orch alerts [--all] [--json], orch alerts resolve ID, orch --version,
// task list filters with a repo column, and orch doctor (exit 0, or 2 with one line per problem).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/db.ts';
import { raiseAlert } from '../../src/store/repos/alerts.ts';
import { cli } from '../helpers/cli.ts';
import { makeTempRepo, type TempRepo } from '../helpers/git-repo.ts';

let repo: TempRepo;
let other: TempRepo;
let home: string;
let env: Record<string, string>;
beforeAll(async () => {
  [repo, other] = await Promise.all([makeTempRepo({ featureCommits: 1 }), makeTempRepo({ featureCommits: 1 })]);
});
afterAll(() => {
  repo.cleanup();
  other.cleanup();
});
beforeEach(({ onTestFinished }) => {
  home = mkdtempSync(join(tmpdir(), 'orch-operator-'));
  env = { ORCH_HOME: home };
  onTestFinished(() => rmSync(home, { recursive: true, force: true }));
});

async function alerts(): Promise<void> {
  const store = await openSqliteStore(join(home, 'orch.db'));
  try {
    await raiseAlert(store.db, { taskId: null, kind: 'agent-command-not-found', dedupeKey: 'a', message: 'agent command not found: claude', at: '2026-01-01T00:00:00.000Z' });
    await raiseAlert(store.db, { taskId: null, kind: 'job-failed', dedupeKey: 'b', message: 'task 3 blocked', detail: { jobId: 9 }, at: '2026-01-01T00:00:01.000Z' });
  } finally {
    await store.close();
  }
}

describe('orch alerts', () => {
  it('lists open alerts, resolves one by id, and --all shows it resolved', async () => {
    expect((await cli(['alerts'], env)).stdout).toBe('no open alerts (`orch alerts --all` lists resolved ones too)\n');
    await alerts();
    const open = await cli(['alerts'], env);
    expect(open.code).toBe(0);
    expect(open.stdout.split('\n')[0]).toMatch(/^ID\s+TASK\s+KIND\s+RAISED\s+MESSAGE$/);
    expect(open.stdout).toContain('agent-command-not-found');
    const resolved = await cli(['alerts', 'resolve', '1'], env);
    expect(resolved).toMatchObject({ code: 0, stdout: 'alert 1 resolved: agent-command-not-found: agent command not found: claude\n' });
    expect((await cli(['alerts', 'resolve', '1'], env)).stdout).toMatch(/^alert 1 was already resolved at 20\d\d-/);
    const json = JSON.parse((await cli(['alerts', '--json'], env)).stdout) as Array<{ id: number; detail: unknown }>;
    expect(json).toEqual([expect.objectContaining({ id: 2, kind: 'job-failed', detail: { jobId: 9 }, resolved_at: null })]);
    const all = JSON.parse((await cli(['alerts', '--all', '--json'], env)).stdout) as Array<{ id: number; resolved_at: string | null }>;
    expect(all.map((a) => [a.id, a.resolved_at === null])).toEqual([[1, false], [2, true]]);
    expect((await cli(['alerts', '--all'], env)).stdout.split('\n')[0]).toMatch(/RESOLVED\s+MESSAGE$/);
  });

  it('an unknown or malformed id is exit 2 with one line', async () => {
    expect(await cli(['alerts', 'resolve', '7'], env)).toMatchObject({ code: 2, stderr: 'orch: alert 7 does not exist (`orch alerts --all` lists them)\n' });
    expect(await cli(['alerts', 'resolve', 'x'], env)).toMatchObject({ code: 2, stderr: 'orch: alert id must be a positive whole number, got "x"\n' });
  });
});

describe('orch --version', () => {
  it("prints package.json's version", async () => {
    const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    expect(await cli(['--version'], env)).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });
});

describe('orch task list filters', () => {
  it('--repo, --state and --stage narrow the list; the table names each repo', async () => {
    await cli(['task', 'add', '--repo', repo.dir, '--branch', repo.branch, '--title', 'One'], env);
    await cli(['task', 'add', '--repo', other.dir, '--branch', other.branch, '--title', 'Two', '--stage', 'review'], env);
    const table = (await cli(['task', 'list'], env)).stdout.split('\n');
    expect(table[0]).toMatch(/^ID\s+REPO\s+STAGE/);
    expect(table[1]).toContain(basename(repo.dir));
    expect(table[2]).toContain(basename(other.dir));
    const ids = async (...args: string[]) => (JSON.parse((await cli(['task', 'list', '--json', ...args], env)).stdout) as Array<{ id: number }>).map((t) => t.id);
    expect(await ids('--repo', other.dir)).toEqual([2]);
    expect(await ids('--stage', 'analysis')).toEqual([1]);
    expect(await ids('--state', 'active', '--stage', 'review')).toEqual([2]);
    expect(await ids('--state', 'blocked')).toEqual([]);
    expect((await cli(['task', 'list', '--state', 'blocked'], env)).stdout).toBe('no tasks match\n');
    expect(await cli(['task', 'list', '--state', 'stuck'], env)).toMatchObject({ code: 2, stderr: expect.stringMatching(/^orch: --state "stuck" is invalid: one of active, blocked, done/) });
    expect(await cli(['task', 'list', '--stage', 'qa'], env)).toMatchObject({ code: 2, stderr: expect.stringMatching(/^orch: --stage "qa" is invalid: one of analysis, /) });
  });
});

describe('orch doctor', () => {
  it('all good: exit 0, one ok line per check', async () => {
    const r = await cli(['doctor', '--repo', repo.dir], { ...env, ORCH_AGENT_CMD: `${process.execPath} --version`, ORCH_STAGING_SUITE_CMD: 'git status' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).map((l) => l.split(':')[0])).toEqual(['ok    store', 'ok    git', 'ok    agent', 'ok    suite']);
    expect(r.stdout).toContain('PRAGMA integrity_check ok');
  });

  it('each problem is one line and the exit is 2: a missing agent, a missing suite program, a store that is not one', async () => {
    writeFileSync(join(home, 'orch.db'), 'not a database at all, only some text that fills a header and more\n'.repeat(10));
    const r = await cli(['doctor', '--repo', repo.dir], { ...env, ORCH_AGENT_CMD: 'orch-no-such-agent-1f2e -p', ORCH_STAGING_SUITE_CMD: 'orch-no-such-suite-3a4b run' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `orch doctor: store: ${join(home, 'orch.db')} is not an orch store (file is not a database)`,
      'orch doctor: agent: agent command not found: orch-no-such-agent-1f2e (ORCH_AGENT_CMD=orch-no-such-agent-1f2e -p); install it or set ORCH_AGENT_CMD',
      `orch doctor: suite: staging suite program not found: orch-no-such-suite-3a4b (ORCH_STAGING_SUITE_CMD=orch-no-such-suite-3a4b run) in ${repo.dir}`,
    ]);
    const json = await cli(['doctor', '--json'], { ...env, ORCH_AGENT_CMD: 'orch-no-such-agent-1f2e' });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, checks: [{ name: 'store', ok: false }, { name: 'git', ok: true }, { name: 'agent', ok: false }] });
  });
});
