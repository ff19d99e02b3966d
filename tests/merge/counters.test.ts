// The merge_gate counters, counted from recorded attempts (pure), one per kind of fact.
import { describe, expect, it } from 'vitest';
import { countMergeAttempts, MERGE_COUNTERS } from '../../src/merge/counters.ts';

const row = (verdict: string, detail: object | null, transition_id: number | null = null) => ({ verdict, detail: detail === null ? null : JSON.stringify(detail), transition_id });

describe('countMergeAttempts', () => {
  it('counts each fact once, from the detail each attempt recorded', () => {
    const counters = countMergeAttempts([
      row('pass', { classification: 'pass', retest: { exitCode: 0 }, merged: true }, 1),
      row('pass', { classification: 'pass', retest: null, skippedRetest: true, merged: true }, 2),
      row('fail', { classification: 'red', retest: { exitCode: 1 } }, 3),
      row('fail', { classification: 'conflict', retest: null }, 4),
      row('defer', { classification: 'timeout', retest: { exitCode: null }, infraRetry: { attempt: 1 } }),
      row('defer', { classification: 'lock-busy', retest: null, infraRetry: { attempt: 2 } }),
      row('defer', { classification: 'other', retest: null, infraExhausted: { attempts: 2 } }),
      row('pass', { classification: 'pass', retest: { exitCode: 0 }, merged: false }, 5),
      row('defer', null),
      row('defer', { broken: true }),
    ]);
    expect(counters).toEqual({ retests: 4, skipped: 1, passed: 3, red: 1, timeout: 1, lock_busy: 1, other: 1, infra_retries: 2, exhausted: 1, merged: 2, rollbacks: 2 });
    expect(Object.keys(counters)).toEqual([...MERGE_COUNTERS]);
  });
});
