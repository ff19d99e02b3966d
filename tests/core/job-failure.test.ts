import { describe, expect, it } from 'vitest';
import { decideJobFailure, type JobFailureFacts } from '../../src/core/job-failure.ts';

const facts = (over: Partial<JobFailureFacts>): JobFailureFacts => ({
  taskId: 7,
  taskOnStage: true,
  job: { id: 42, stage: 'development', agent: 'developer' },
  failures: 1,
  maxAttempts: 3,
  reason: 'exit 1',
  ...over,
});

describe('decideJobFailure (retry or block)', () => {
  it('retries while the stage has failed fewer than ORCH_JOB_MAX_ATTEMPTS times in a row', () => {
    expect(decideJobFailure(facts({ failures: 2 }))).toEqual({ kind: 'retry', detail: { retryOf: 42, failures: 2, lastFailure: 'exit 1' } });
  });

  it('blocks at the limit with one alert keyed to the job, naming the key and the way out', () => {
    const d = decideJobFailure(facts({ failures: 3 }));
    expect(d).toEqual({
      kind: 'block',
      reason: 'job 42 (developer) failed 3 time(s) (ORCH_JOB_MAX_ATTEMPTS=3): exit 1',
      alert: {
        kind: 'job-failed',
        dedupeKey: 'job-failed:task-7:development:job-42',
        message: 'task 7 blocked on development: job 42 (developer) failed 3 time(s) (ORCH_JOB_MAX_ATTEMPTS=3): exit 1; `orch task retry 7` re-queues it',
        detail: { jobId: 42, failures: 3 },
      },
    });
    expect(decideJobFailure(facts({ failures: 9, maxAttempts: 1 })).kind).toBe('block');
  });

  it('decides nothing for a task that moved on (blocked, done, another stage)', () => {
    expect(decideJobFailure(facts({ taskOnStage: false, failures: 99 }))).toEqual({ kind: 'none' });
  });
});
