// The pure decisions of the merge gate, tested without a repo or a process: classifyRetestFailure,
// the re-test skip, the routing, the merge plan (only fast-forwards and compare-and-swap moves,
// push first, never a base that does not descend from its old value), and the counters.
import { describe, expect, it } from 'vitest';
import type { MergeAttempt } from '../../src/core/merge-attempt.ts';
import { emptyAttempt } from '../../src/core/merge-attempt.ts';
import { classifyRetestFailure, retestPassed } from '../../src/core/retest-classify.ts';
import { planMerge, type MergeFacts } from '../../src/core/merge-plan.ts';
import { loadConfig } from '../../src/config/load.ts';
import { runMergeGate } from '../../src/merge/gate.ts';
import type { MergeLock } from '../../src/merge/lock.ts';
import { lockWaitDelayMs } from '../../src/core/lock-wait.ts';
import { routeAttempt } from '../../src/core/merge-route.ts';
import { decideRetestSkip, type SkipInput } from '../../src/core/retest-skip.ts';

const PATTERNS = ['database is locked', 'EADDRINUSE', 'index.lock'];
type R = Parameters<typeof classifyRetestFailure>[0];
const run = (over: Partial<R>): R => ({ outcome: 'exited', exitCode: 1, signal: null, stdoutTail: '', stderrTail: '', durationMs: 1500, error: null, ...over });

describe('classifyRetestFailure', () => {
  it.each<[string, Partial<R>, string, string]>([
    ['orch timeout', { outcome: 'timeout', exitCode: null, signal: 'SIGTERM' }, 'timeout', 're-test timed out after 1.5s; its process tree was killed'],
    ['exit 1', {}, 'red', 're-test failed with exit code 1'],
    ['exit 139 from a shell whose child crashed', { exitCode: 139 }, 'red', 're-test failed with exit code 139'],
    ['SIGSEGV', { outcome: 'signaled', exitCode: null, signal: 'SIGSEGV' }, 'red', 're-test crashed with SIGSEGV'],
    ['SIGABRT', { outcome: 'signaled', exitCode: null, signal: 'SIGABRT' }, 'red', 're-test crashed with SIGABRT'],
    ['SIGBUS', { outcome: 'signaled', exitCode: null, signal: 'SIGBUS' }, 'red', 're-test crashed with SIGBUS'],
    ['SIGFPE', { outcome: 'signaled', exitCode: null, signal: 'SIGFPE' }, 'red', 're-test crashed with SIGFPE'],
    ['SIGILL', { outcome: 'signaled', exitCode: null, signal: 'SIGILL' }, 'red', 're-test crashed with SIGILL'],
    ['external SIGKILL', { outcome: 'signaled', exitCode: null, signal: 'SIGKILL' }, 'other', 're-test was killed by SIGKILL, which orch did not send'],
    ['external SIGTERM', { outcome: 'signaled', exitCode: null, signal: 'SIGTERM' }, 'other', 're-test was killed by SIGTERM, which orch did not send'],
    ['spawn error', { outcome: 'spawn-error', exitCode: null, error: { code: 'ENOENT', message: 'spawn nope ENOENT' } }, 'other', 're-test could not start: ENOENT: spawn nope ENOENT'],
    ['exit 127', { exitCode: 127 }, 'other', 're-test command could not run (exit 127: not found)'],
    ['exit 126', { exitCode: 126 }, 'other', 're-test command could not run (exit 126: not executable)'],
    ['cancelled', { outcome: 'cancelled', exitCode: null, signal: 'SIGTERM' }, 'other', 're-test was cancelled (orch was stopping)'],
    ['database is locked', { stderrTail: 'Error: SQLITE_BUSY: database is locked\n' }, 'lock-busy', 're-test failed (exit 1) on a busy resource: output contains "database is locked"'],
    ['EADDRINUSE on stdout', { stdoutTail: 'listen EADDRINUSE: address already in use :::3000' }, 'lock-busy', 're-test failed (exit 1) on a busy resource: output contains "EADDRINUSE"'],
    ['index.lock', { stderrTail: "fatal: Unable to create '/r/.git/index.lock': File exists." }, 'lock-busy', 're-test failed (exit 1) on a busy resource: output contains "index.lock"'],
    ['patterns are case-sensitive', { stderrTail: 'DATABASE IS LOCKED' }, 'red', 're-test failed with exit code 1'],
  ])('%s', (_name, over, failure, reason) => {
    expect(classifyRetestFailure(run(over), PATTERNS)).toEqual({ failure, reason });
  });

  it('lock-busy patterns are configurable, and a passing run is not classified', () => {
    expect(classifyRetestFailure(run({ stderrTail: 'resource temporarily unavailable' }), ['temporarily unavailable']).failure).toBe('lock-busy');
    expect(classifyRetestFailure(run({ stderrTail: 'database is locked' }), []).failure).toBe('red');
    expect(retestPassed({ outcome: 'exited', exitCode: 0 })).toBe(true);
    expect(() => classifyRetestFailure(run({ exitCode: 0 }), PATTERNS)).toThrow('only failures are classified');
  });
});

describe('decideRetestSkip', () => {
  const A = 'a'.repeat(40);
  const B = 'b'.repeat(40);
  const proven: SkipInput = { enabled: true, validatedSha: A, branchTip: A, head: A, baseWasAncestor: true, proofError: null };
  it.each<[string, Partial<SkipInput>, boolean, string]>([
    ['proven no-op on the validated HEAD', {}, true, 'skipped: the rebase was a no-op and HEAD aaaaaaaaaaaa is the validated commit'],
    ['switch off', { enabled: false }, false, 're-test: ORCH_MERGE_RETEST_SKIP_WHEN_CURRENT is off'],
    ['git error while proving', { proofError: 'git merge-base failed: fatal: x' }, false, 're-test: the no-op could not be proven (git merge-base failed: fatal: x)'],
    ['nothing validated', { validatedSha: null }, false, 're-test: no validated commit is recorded for the task'],
    ['base moved', { baseWasAncestor: false }, false, 're-test: the base has commits the branch did not contain, so the rebase changed the code'],
    ['unknown ancestry', { baseWasAncestor: null }, false, 're-test: the rebase facts are incomplete'],
    ['rebase moved HEAD', { head: B }, false, 're-test: the rebase moved HEAD from aaaaaaaaaaaa to bbbbbbbbbbbb'],
    ['another HEAD was validated', { validatedSha: B }, false, 're-test: HEAD aaaaaaaaaaaa is not the validated commit bbbbbbbbbbbb'],
  ])('%s', (_name, over, skip, reason) => {
    expect(decideRetestSkip({ ...proven, ...over })).toEqual({ skip, reason });
  });
});

describe('lockWaitDelayMs', () => {
  it('doubles from the first delay up to the cap, spread by the jitter, never past the time left', () => {
    expect([1, 2, 3, 4, 5, 6, 40].map((n) => lockWaitDelayMs(n, 60_000, 1))).toEqual([200, 400, 800, 1600, 2000, 2000, 2000]);
    expect(lockWaitDelayMs(1, 60_000, 0)).toBe(100);
    expect(lockWaitDelayMs(3, 60_000, 0.5)).toBe(600);
    expect(lockWaitDelayMs(6, 150, 1)).toBe(150);
    expect(lockWaitDelayMs(2, 0, 1)).toBe(0);
    expect(lockWaitDelayMs(2, 60_000, 7)).toBe(400);
  });
});

describe('the gate waiting for a busy lock (injected clock)', () => {
  it('asks again with the backoff until ORCH_MERGE_LOCK_WAIT_S, then reports lock-busy with the wait; a gate of its own task is not waited for', async () => {
    const config = loadConfig({ env: { ORCH_MERGE_LOCK_WAIT_S: '5' }, envFile: false });
    let clock = 0;
    const slept: number[] = [];
    let asks = 0;
    const busy = (taskId: number): MergeLock => ({
      acquire: async () => (asks++, { acquired: false, heldBy: { holder: `task-${taskId}@elsewhere/b:1.1:abcd`, taskId, expiresAt: '2999-01-01T00:00:00.000Z' } }),
      release: async () => false,
    });
    const deps = { store: undefined as never, config, sleep: async (ms: number) => (slept.push(ms), (clock += ms)), now: () => clock };
    const task = { id: 1, repo: '/r', branch: 'b', base: 'main', validated_sha: null };
    const attempt = await runMergeGate({ ...deps, lock: busy(2) }, task);
    expect(attempt).toMatchObject({ classification: 'lock-busy', source: 'merge-lock', lockWait: { waits: slept.length, ms: 5000 } });
    expect(slept.reduce((a, b) => a + b, 0)).toBe(5000);
    expect(slept.every((ms, i) => i === slept.length - 1 || (ms >= 100 * 2 ** Math.min(i, 3) && ms <= 2000))).toBe(true);
    expect(asks).toBe(slept.length + 1);
    slept.length = 0;
    expect(await runMergeGate({ ...deps, lock: busy(1) }, task)).toMatchObject({ classification: 'lock-busy', lockWait: null });
    expect(slept).toEqual([]);
  });
});

describe('routeAttempt', () => {
  const policy = { retries: 3, backoffMs: 0 };
  const on = { classify: true, infraRetry: true };
  const attempt = (over: Partial<MergeAttempt>): MergeAttempt => ({ ...emptyAttempt(true), reason: 'why', ...over });
  it.each([
    ['pass', 'pass', null, 'mergeable'],
    ['red', 'fail', 'code', 'rollback'],
    ['conflict', 'fail', 'code', 'rollback'],
    ['timeout', 'defer', 'infra', 'infra-retry'],
    ['lock-busy', 'defer', 'infra', 'infra-retry'],
    ['other', 'defer', 'infra', 'infra-retry'],
  ] as const)('%s -> %s', (classification, verdict, cls, action) => {
    const r = routeAttempt(attempt({ classification }), on, policy);
    expect(r.verdict).toBe(verdict);
    expect(r.detail).toMatchObject({ class: cls, action });
    expect(r.retry).toEqual(verdict === 'defer' ? policy : undefined);
  });

  it('a merge lock still busy after the wait defers WITHOUT a retry policy: no infra budget, no re-queue of the staging job', () => {
    const r = routeAttempt(attempt({ classification: 'lock-busy', source: 'merge-lock' }), on, policy);
    expect(r).toMatchObject({ verdict: 'defer', detail: { class: 'infra', action: 'lock-wait', cause: 'lock-wait' } });
    expect(r.retry).toBeUndefined();
  });

  it('with either switch off an infra failure falls back to the old routing: rollback', () => {
    for (const off of [{ classify: false, infraRetry: true }, { classify: true, infraRetry: false }]) {
      expect(routeAttempt(attempt({ classification: 'timeout' }), off, policy)).toMatchObject({ verdict: 'fail', detail: { action: 'rollback' } });
    }
    expect(routeAttempt(attempt({ classification: 'pass', merged: true }), on, policy).detail).toMatchObject({ action: 'merge' });
  });
});

const OLD = '1'.repeat(40);
const NEW = '2'.repeat(40);
const TIP = '3'.repeat(40);
const facts: MergeFacts = { base: 'main', branch: 'feat', baseOld: OLD, testedHead: NEW, branchOld: TIP, descends: true, baseCheckout: null, branchCheckout: null, pushRemote: null };

describe('planMerge', () => {
  it('base not checked out: update-ref with the old value for the base, then the task branch', () => {
    expect(planMerge(facts)).toEqual({
      ok: true,
      notes: [],
      steps: [
        { kind: 'update-ref', role: 'base', ref: 'refs/heads/main', sha: NEW, expectOld: OLD },
        { kind: 'update-ref', role: 'branch', ref: 'refs/heads/feat', sha: NEW, expectOld: TIP },
      ],
    });
  });

  it('base checked out: fast-forward in that checkout; push first when a remote is set', () => {
    const plan = planMerge({ ...facts, baseCheckout: '/op/repo', pushRemote: 'origin' });
    expect(plan.ok && plan.steps.map((s) => s.kind)).toEqual(['push', 'fast-forward', 'update-ref']);
    expect(plan.ok && plan.steps[0]).toEqual({ kind: 'push', role: 'push', remote: 'origin', sha: NEW, ref: 'refs/heads/main' });
    expect(plan.ok && plan.steps[1]).toEqual({ kind: 'fast-forward', role: 'base', worktree: '/op/repo', ref: 'refs/heads/main', sha: NEW, expectOld: OLD });
  });

  it('refuses a base that would not descend from its old value, or when that is unknown', () => {
    expect(planMerge({ ...facts, descends: false })).toEqual({ ok: false, reason: 'refusing to move main to 222222222222: it does not descend from the old main 111111111111' });
    expect(planMerge({ ...facts, descends: null })).toEqual({ ok: false, reason: 'refusing to move main to 222222222222: cannot verify that it descends from the old main 111111111111' });
  });

  it('nothing to move: no steps; a task branch checked out elsewhere is left alone, with a note', () => {
    expect(planMerge({ ...facts, testedHead: OLD, branchOld: OLD })).toEqual({ ok: true, steps: [], notes: ['main already is 111111111111: nothing to fast-forward', 'feat already is 111111111111'] });
    const plan = planMerge({ ...facts, branchCheckout: '/op/feat' });
    expect(plan.ok && plan.steps.map((s) => s.role)).toEqual(['base']);
    expect(plan.ok && plan.notes).toEqual(['feat is checked out in /op/feat: left at 333333333333 (its commits are in main)']);
  });
});
