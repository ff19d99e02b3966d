// The two-level outcome as pure functions: no process, no store.
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/proc/index.ts';
import { classifyRun, decideStagingOutcome, mapExitCodeToStatus, type Classification } from '../../src/core/staging-outcome.ts';

type Facts = Pick<RunResult, 'outcome' | 'exitCode' | 'signal' | 'error'>;
const run = (facts: Partial<Facts>): Facts => ({ outcome: 'exited', exitCode: 0, signal: null, error: null, ...facts });

describe('mapExitCodeToStatus', () => {
  it.each([[0, 'PASSED'], [1, 'FAILED'], [2, 'FAILED'], [124, 'FAILED'], [255, 'FAILED']])('%i -> %s', (code, status) => {
    expect(mapExitCodeToStatus(code)).toBe(status);
  });
});

describe('classifyRun', () => {
  it.each<[string, Partial<Facts>, Classification['level'], string | null]>([
    ['exit 0', { exitCode: 0 }, 'executed', null],
    ['exit 1', { exitCode: 1 }, 'executed', null],
    ['exit 127', { exitCode: 127 }, 'tool-error', 'not-found'],
    ['exit 126', { exitCode: 126 }, 'tool-error', 'not-executable'],
    ['timeout', { outcome: 'timeout', exitCode: null, signal: 'SIGTERM' }, 'tool-error', 'timeout'],
    ['SIGKILL from someone else', { outcome: 'signaled', exitCode: null, signal: 'SIGKILL' }, 'tool-error', 'signal'],
    ['a crash (SIGSEGV)', { outcome: 'signaled', exitCode: null, signal: 'SIGSEGV' }, 'tool-error', 'signal'],
    ['ENOENT', { outcome: 'spawn-error', exitCode: null, error: { code: 'ENOENT', message: 'spawn x ENOENT' } }, 'tool-error', 'not-found'],
    ['EACCES', { outcome: 'spawn-error', exitCode: null, error: { code: 'EACCES', message: 'spawn x EACCES' } }, 'tool-error', 'not-executable'],
    ['E2BIG', { outcome: 'spawn-error', exitCode: null, error: { code: 'E2BIG', message: 'too big' } }, 'tool-error', 'spawn-error'],
    ['orch cancelled', { outcome: 'cancelled', exitCode: null, signal: 'SIGTERM' }, 'cancelled', null],
    ['the runner itself failed', { outcome: 'spawn-error', exitCode: null, error: { code: 'ORCH_PROC_FAILED', message: 'cannot open log' } }, 'internal', null],
  ])('%s', (_name, facts, level, cause) => {
    const c = classifyRun(run(facts));
    expect(c.level).toBe(level);
    expect(c.level === 'tool-error' ? c.cause : null).toBe(cause);
  });
});

describe('decideStagingOutcome', () => {
  const now = new Date('2026-01-01T00:00:00.000Z');
  const toolError: Classification = { level: 'tool-error', cause: 'timeout', detail: 'timed out' };
  const decide = (classification: Classification, infraAttempts: number) =>
    decideStagingOutcome({ classification, infraAttempts, infraRetries: 3, backoffMs: 30_000, now });

  it('an executed suite gets its verdict, whatever the infra attempts so far', () => {
    expect(decide({ level: 'executed', exitCode: 0, status: 'PASSED' }, 5)).toMatchObject({ action: 'verdict', status: 'PASSED', exitCode: 0 });
    expect(decide({ level: 'executed', exitCode: 3, status: 'FAILED' }, 0)).toMatchObject({ action: 'verdict', status: 'FAILED', exitCode: 3 });
  });

  it('tool errors defer with doubling backoff, then fail closed when the budget is spent', () => {
    expect([0, 1, 2, 3, 4].map((n) => decide(toolError, n))).toMatchObject([
      { action: 'defer', infraAttempt: 1, delayMs: 30_000, notBefore: '2026-01-01T00:00:30.000Z' },
      { action: 'defer', infraAttempt: 2, delayMs: 60_000, notBefore: '2026-01-01T00:01:00.000Z' },
      { action: 'defer', infraAttempt: 3, delayMs: 120_000, notBefore: '2026-01-01T00:02:00.000Z' },
      { action: 'fail-closed', infraAttempt: 4, cause: 'timeout' },
      { action: 'fail-closed', infraAttempt: 5, cause: 'timeout' },
    ]);
  });

  it('a zero budget fails closed at the first tool error', () => {
    expect(decideStagingOutcome({ classification: toolError, infraAttempts: 0, infraRetries: 0, backoffMs: 1000, now })).toMatchObject({ action: 'fail-closed', infraAttempt: 1 });
  });

  it('cancelled releases the job, an internal failure falls back to the LLM path', () => {
    expect(decide({ level: 'cancelled' }, 0).action).toBe('release');
    expect(decide({ level: 'internal', detail: 'x' }, 0).action).toBe('fallback');
  });

  it('the deferred re-run waits the shared backoff: doubling, capped at 32 times the base', () => {
    const delay = (infraAttempts: number) => {
      const d = decideStagingOutcome({ classification: { level: 'tool-error', cause: 'timeout', detail: 't' }, infraAttempts, infraRetries: 10, backoffMs: 1000, now: new Date(0) });
      return d.action === 'defer' ? d.delayMs : null;
    };
    expect([0, 1, 2, 5, 6, 9].map(delay)).toEqual([1000, 2000, 4000, 32_000, 32_000, 32_000]);
  });
});
