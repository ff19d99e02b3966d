// The generic infra branch of advance(): a defer that carries a retry policy re-queues the stage's
// job with backoff (task stays, no rollback, no developer job); exhaustion blocks with ONE alert.
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/pipeline/decide.ts';
import type { CheckOutcome } from '../../src/pipeline/gates/evaluate.ts';
import { infraBackoffMs, infraStep } from '../../src/pipeline/infra-retry.ts';

const policy = { retries: 2, backoffMs: 1000 };
const infra = (checkId = 'check_x'): CheckOutcome => ({ checkId, result: { verdict: 'defer', reason: 'resource busy', detail: { cause: 'infra' }, retry: policy } });
const input = (infraAttempts: number) => ({ taskId: 7, from: 'deploy-staging' as const, outcomes: [infra()], lastJob: { id: 40, attempt: 1, infraAttempts }, verdictReruns: 2 });

describe('infra retry (pure)', () => {
  it('backs off exponentially, capped at 32 times the first delay', () => {
    expect([1, 2, 3, 6, 7, 20].map((n) => infraBackoffMs(policy, n))).toEqual([1000, 2000, 4000, 32000, 32000, 32000]);
    expect(infraStep({ retries: 0, backoffMs: 5 }, 0)).toEqual({ kind: 'exhausted', attempts: 0 });
  });

  it('re-queues the stage job (same verdict attempt) while the budget lasts, recording it on the gate result', () => {
    const d = decide(input(1));
    expect(d).toMatchObject({ outcome: 'deferred', transition: null, alert: null, nextJob: { stage: 'deploy-staging', agent: 'deployer', attempt: 1, infra: { attempt: 2, delayMs: 2000, checkId: 'check_x' } } });
    expect(d.reason).toBe('check_x: resource busy; infra re-queue 2 of 2 on deploy-staging in 2s');
    expect(d.records[0]?.detail).toEqual({ cause: 'infra', infraRetry: { attempt: 2, of: 2, delayMs: 2000 } });
  });

  it('exhausted: blocked with one infra-exhausted alert for the episode, no job, no rollback', () => {
    const d = decide(input(2));
    expect(d).toMatchObject({ outcome: 'blocked', transition: null, nextJob: null });
    expect(d.alert).toEqual({ kind: 'infra-exhausted', dedupeKey: 'infra-exhausted:task-7:deploy-staging:job-40', message: `task 7 blocked on deploy-staging: ${d.reason}` });
    expect(d.reason).toBe('check_x: resource busy; infra retries exhausted after 2 re-queue(s): blocked until `orch task retry 7`');
    expect(d.records[0]?.detail).toEqual({ cause: 'infra', infraExhausted: { attempts: 2 } });
  });
});
