// The generic infra branch of advance(): a defer that carries a retry policy re-queues the stage's
// job with backoff (task stays, no rollback, no developer job); exhaustion blocks with ONE alert.
import { sql } from 'kysely';
import { quote } from 'shell-quote';
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.ts';
import { advance } from '../../src/pipeline/advance.ts';
import { decide } from '../../src/core/decide.ts';
import type { CheckOutcome } from '../../src/core/check.ts';
import { infraBackoffMs, infraStep } from '../../src/core/infra-retry.ts';
import { retryTask } from '../../src/pipeline/retry.ts';
import { alertsForTask } from '../../src/store/repos/alerts.ts';
import { jobsForTask } from '../../src/store/repos/jobs.ts';
import { getTask } from '../../src/store/repos/tasks.ts';
import type { HeldLock } from '../helpers/merge-lock.ts';
import { makePipelineEnv, type PipelineEnv } from '../helpers/pipeline.ts';

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

let env: PipelineEnv | undefined;
let held: HeldLock | undefined;
afterEach(async () => {
  await held?.release();
  held = undefined;
  await env?.cleanup();
  env = undefined;
});

describe('infra retry through advance()', () => {
  it('writes a deferred job with not_before and infra_attempts; exhaustion blocks once; retry starts a new budget', async () => {
    // A re-test that reports a locked database makes check_branch_mergeable defer for infra
    // (lock-busy from the output) on every call. (A busy merge lock is a wait, not an infra fault.)
    const retest = quote(['sh', '-c', 'echo "Error: database is locked" >&2; exit 1']);
    const e = (env = await makePipelineEnv({ env: { ORCH_MERGE_INFRA_RETRIES: '1', ORCH_MERGE_RETRY_BACKOFF_S: '30', ORCH_MERGE_RETEST_CMD: retest } }));
    const id = await e.add({ stage: 'deploy-staging' });
    e.write(id, '15-staging-log.md', 'staging_status: PASSED\n');
    await e.finishJobs(id);
    const t0 = Date.now();
    const first = await advance(e, id);
    expect(first).toMatchObject({ outcome: 'deferred', to: 'deploy-staging', alertId: null, jobId: expect.any(Number) });
    const requeued = (await jobsForTask(e.store.db, id)).at(-1);
    expect(requeued).toMatchObject({ agent: 'deployer', state: 'deferred', infra_attempts: 1, attempt: 1 });
    expect(Date.parse(requeued?.not_before ?? '') - t0).toBeGreaterThanOrEqual(29_000);
    expect(JSON.parse(requeued?.detail ?? '{}')).toEqual({ requeue: 'infra', checkId: 'check_branch_mergeable', infraAttempt: 1 });
    // The deferred job is pending: the gate waits for it.
    expect(await advance(e, id)).toMatchObject({ outcome: 'deferred', jobId: null });

    await sql`update jobs set state = 'succeeded' where id = ${requeued?.id ?? 0}`.execute(e.store.db);
    const second = await advance(e, id);
    expect(second).toMatchObject({ outcome: 'blocked', to: 'deploy-staging', alertId: expect.any(Number) });
    expect(await getTask(e.store.db, id)).toMatchObject({ stage: 'deploy-staging', state: 'blocked' });
    await expect(advance(e, id)).rejects.toMatchObject({ code: ERROR_CODES.TASK_STATE });
    expect((await alertsForTask(e.store.db, id)).map((a) => a.kind)).toEqual(['infra-exhausted']);
    expect((await jobsForTask(e.store.db, id)).map((j) => j.stage)).not.toContain('development');

    const retried = await retryTask(e.store, id);
    expect(retried.job).toMatchObject({ agent: 'deployer', state: 'queued', infra_attempts: 0 });
  });
});
