// TC-10: orch never forces. A git wrapper first on PATH records every argument of every git call
// the gate makes; with ORCH_PUSH_REMOTE at a bare repo the base is pushed without force, and when
// the remote's main has moved ahead the push is refused, the task re-queues, nothing moves.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PipelineEnv } from '../helpers/pipeline.ts';
import { gate, gitCalls, mergeEnv, stagedTask, wrapGit } from './helpers.ts';

let e: PipelineEnv | undefined;
let scratch: string | undefined;
let unwrap: (() => void) | undefined;
afterEach(async () => {
  unwrap?.();
  unwrap = undefined;
  await e?.cleanup();
  e = undefined;
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Anything that could overwrite history: force flags, `+` refspecs, mirror pushes, hard resets. */
function forcing(argv: readonly string[]): string[] {
  return argv.filter((a, i) => /^--force/.test(a) || a === '-f' || /^-[a-zA-Z]*f[a-zA-Z]*$/.test(a) && argv.includes('push') || a.startsWith('+') || a.includes(':+') || a === '--mirror' || (a === '--hard' && argv[i - 1] === 'reset'));
}

describe('merge gate: never force (TC-10)', () => {
  it('TC-10 pushes without force; a remote that moved ahead refuses, the task re-queues, remote main untouched', async () => {
    scratch = mkdtempSync(join(tmpdir(), 'orch-remote-'));
    const bare = join(scratch, 'remote.git');
    const log = join(scratch, 'git.log');
    e = await mergeEnv({ ORCH_PUSH_REMOTE: 'origin' });
    const g = e.repo.git;
    await g('clone', '--quiet', '--bare', e.repo.dir, bare);
    await g('remote', 'add', 'origin', bare);
    // main moves on (so the rebase rewrites the branch) and nobody has it checked out: the gate
    // moves both refs with update-ref and their old values.
    await g('commit', '--quiet', '--allow-empty', '-m', 'main moves on');
    await g('push', '--quiet', bare, 'main');
    await g('checkout', '--quiet', '--detach');
    unwrap = wrapGit(log);

    // 1. A green merge pushes main to the remote, then moves it locally.
    const first = await stagedTask(e);
    const pushed = await gate(e, first);
    expect(pushed.result.outcome).toBe('advanced');
    const merged = await g('rev-parse', 'main');
    expect(await g('--git-dir', bare, 'rev-parse', 'main')).toBe(merged);
    expect(pushed.detail.steps?.[0]).toBe(`pushed ${merged.slice(0, 12)} to origin refs/heads/main`);

    // 2. Someone else moves the remote's main ahead; the next task's push must be refused.
    await g('checkout', '--quiet', '-b', 'feature/two', 'main');
    await e.repo.commit('two.txt', 'two\n');
    await g('checkout', '--quiet', '--detach');
    const elsewhere = await g('commit-tree', 'main^{tree}', '-p', 'main', '-m', 'pushed by someone else');
    await g('push', '--quiet', bare, `${elsewhere}:refs/heads/main`);
    const second = await stagedTask(e, { branch: 'feature/two' });
    const refused = await gate(e, second);
    expect(refused.result).toMatchObject({ outcome: 'deferred', to: 'deploy-staging' });
    expect(refused.detail).toMatchObject({ classification: 'other', failure: 'push-rejected', source: 'merge', action: 'infra-retry', merged: false });
    expect(refused.detail.reason).toMatch(/^push to origin was rejected: /);
    expect(await g('--git-dir', bare, 'rev-parse', 'main')).toBe(elsewhere);
    expect(await g('rev-parse', 'main')).toBe(merged);

    const calls = gitCalls(log);
    // The gate's two pushes (the test's own setup push went to the bare path, not to `origin`).
    expect(calls.filter((c) => c.includes('push') && c.includes('origin')).map((c) => c.slice(c.indexOf('push')))).toEqual([
      ['push', '--porcelain', 'origin', `${merged}:refs/heads/main`],
      ['push', '--porcelain', 'origin', `${refused.detail.testedHead}:refs/heads/main`],
    ]);
    // Compare-and-swap only: every update-ref names the value it replaces.
    const updates = calls.filter((c) => c.includes('update-ref')).map((c) => c.slice(c.indexOf('update-ref')));
    expect(updates.map((u) => u[3])).toEqual(['refs/heads/main', 'refs/heads/feature/change']);
    expect(updates.every((u) => u.length === 6 && /^[0-9a-f]{40}$/.test(u[5] ?? ''))).toBe(true);
    expect(calls.flatMap(forcing)).toEqual([]);
    // The detector itself catches what it must.
    expect([['push', '-f', 'o', 'x'], ['push', '--force-with-lease', 'o'], ['push', 'o', '+a:b'], ['fetch', 'o', 'a:+b'], ['reset', '--hard', 'x']].flatMap(forcing)).toEqual(['-f', '--force-with-lease', '+a:b', 'a:+b', '--hard']);
  });
});
