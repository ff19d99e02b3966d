// classifyRetestFailure and the other pure decisions of the merge gate: no repo, no process.
import { describe, expect, it } from 'vitest';
import type { MergeAttempt } from '../../src/merge/attempt.ts';
import { emptyAttempt } from '../../src/merge/attempt.ts';
import { classifyRetestFailure, retestPassed } from '../../src/merge/classify.ts';
import { routeAttempt } from '../../src/merge/route.ts';
import { decideRetestSkip, type SkipInput } from '../../src/merge/skip.ts';

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

  it('with either switch off an infra failure falls back to the old routing: rollback', () => {
    for (const off of [{ classify: false, infraRetry: true }, { classify: true, infraRetry: false }]) {
      expect(routeAttempt(attempt({ classification: 'timeout' }), off, policy)).toMatchObject({ verdict: 'fail', detail: { action: 'rollback' } });
    }
    expect(routeAttempt(attempt({ classification: 'pass', merged: true }), on, policy).detail).toMatchObject({ action: 'merge' });
  });
});
