import { describe, expect, it } from 'vitest';
import { decide, type DecisionInput } from '../../src/core/decide.ts';
import type { CheckOutcome } from '../../src/core/check.ts';
import type { Stage } from '../../src/core/stages.ts';

const pass = (checkId: string): CheckOutcome => ({ checkId, result: { verdict: 'pass', reason: `${checkId} ok` } });
const fail = (checkId: string): CheckOutcome => ({ checkId, result: { verdict: 'fail', reason: 'bad' } });
const defer = (checkId: string, cause: string): CheckOutcome => ({ checkId, result: { verdict: 'defer', reason: 'no verdict', detail: { cause } } });

const input = (from: Stage, outcomes: CheckOutcome[], extra: Partial<DecisionInput> = {}): DecisionInput => ({
  taskId: 7,
  from,
  outcomes,
  lastJob: { id: 40, attempt: 1 },
  verdictReruns: 2,
  ...extra,
});

describe('decide (pure)', () => {
  it('an unguarded transition advances and queues the next stage role', () => {
    const d = decide(input('analysis', []));
    expect(d).toMatchObject({ outcome: 'advanced', transition: { from: 'analysis', to: 'architecture', kind: 'forward' }, nextJob: { stage: 'architecture', agent: 'architect', attempt: 1 }, alert: null, records: [] });
    expect(d.reason).toBe('no checks guard analysis->architecture');
  });

  it('all checks pass: advance, recording each result', () => {
    const d = decide(input('development', [pass('check_branch_has_commits')]));
    expect(d).toMatchObject({ outcome: 'advanced', transition: { to: 'review' }, nextJob: { agent: 'reviewer' } });
    expect(d.records).toEqual([{ checkId: 'check_branch_has_commits', verdict: 'pass', reason: 'check_branch_has_commits ok' }]);
  });

  it('the last gate passing makes the task done, with no next job', () => {
    expect(decide(input('post-deploy', [pass('check_monitor_status')]))).toMatchObject({ outcome: 'done', transition: { to: 'done' }, nextJob: null });
  });

  it.each(['review', 'testing', 'deploy-staging', 'post-deploy'] as const)('a fail on %s rolls back to development without an alert', (from) => {
    const d = decide(input(from, [fail('check_x')]));
    expect(d).toMatchObject({ outcome: 'rolled-back', transition: { from, to: 'development', kind: 'rollback' }, nextJob: { stage: 'development', agent: 'developer', attempt: 1 }, alert: null });
    expect(d.reason).toBe('check_x: bad');
  });

  it.each(['development', 'deploy'] as const)('a fail on %s (no rollback edge) blocks the task with one alert', (from) => {
    const d = decide(input(from, [fail('check_x')]));
    expect(d).toMatchObject({ outcome: 'blocked', transition: null, nextJob: null, reason: 'check_x: bad' });
    expect(d.alert).toEqual({ kind: 'gate-failed', dedupeKey: `gate-failed:task-7:${from}:job-40`, message: `task 7 blocked on ${from}: check_x: bad` });
  });

  it('the first check that does not pass decides, and its id is in the reason', () => {
    const d = decide(input('deploy-staging', [pass('check_staging_status'), fail('check_branch_mergeable')]));
    expect(d).toMatchObject({ outcome: 'rolled-back', reason: 'check_branch_mergeable: bad' });
    expect(d.records.map((r) => r.verdict)).toEqual(['pass', 'fail']);
  });

  it('a defer that is not about the verdict stays, with no job and no alert', () => {
    expect(decide(input('review', [defer('check_review_status', 'check-error')]))).toMatchObject({ outcome: 'deferred', transition: null, nextJob: null, alert: null });
  });

  it.each(['verdict-missing', 'verdict-invalid'])('%s re-runs the producing job, counting attempts', (cause) => {
    const first = decide(input('testing', [defer('check_test_status', cause)]));
    expect(first).toMatchObject({ outcome: 'deferred', transition: null, nextJob: { stage: 'testing', agent: 'tester', attempt: 2 }, alert: null });
    expect(first.reason).toContain('re-run 1 of 2');
    expect(decide(input('testing', [defer('check_test_status', cause)], { lastJob: { id: 41, attempt: 2 } })).nextJob).toEqual({ stage: 'testing', agent: 'tester', attempt: 3 });
  });

  it('with no job yet on the stage, the first run is queued', () => {
    expect(decide(input('review', [defer('check_review_status', 'verdict-missing')], { lastJob: null })).nextJob).toEqual({ stage: 'review', agent: 'reviewer', attempt: 1 });
  });

  it('an exhausted budget fails closed: a fail record, one alert, rollback where the edge exists', () => {
    const d = decide(input('testing', [defer('check_test_status', 'verdict-missing')], { lastJob: { id: 42, attempt: 3 } }));
    expect(d).toMatchObject({ outcome: 'rolled-back', transition: { to: 'development' }, nextJob: { agent: 'developer' } });
    expect(d.records).toEqual([
      { checkId: 'check_test_status', verdict: 'fail', reason: d.reason, detail: { cause: 'verdict-missing', failClosed: true } },
    ]);
    expect(d.reason).toContain('still no usable verdict after 2 re-run(s): failing closed');
    expect(d.alert).toMatchObject({ kind: 'verdict-exhausted', dedupeKey: 'verdict-exhausted:task-7:testing:job-42' });
  });

  it('an exhausted budget without a rollback edge blocks the task', () => {
    const d = decide(input('deploy', [defer('check_deploy_status', 'verdict-invalid')], { lastJob: { id: 43, attempt: 1 }, verdictReruns: 0 }));
    expect(d).toMatchObject({ outcome: 'blocked', transition: null, nextJob: null, alert: { kind: 'verdict-exhausted' } });
    expect(d.records[0]?.verdict).toBe('fail');
  });

  it('every decision records the forward edge it evaluated', () => {
    expect(decide(input('review', [fail('check_review_status')])).guarded).toMatchObject({ from: 'review', to: 'testing' });
  });

  it('refuses a stage with no forward edge', () => {
    expect(() => decide(input('done', []))).toThrow('decide: stage done has no forward edge');
  });
});
