// task show tells the truth: a staging run whose suite failed reads as failed with the suite's
// exit code, and the retries of one visit to a stage are numbered 1, 2, 3.
import { describe, expect, it } from 'vitest';
import { jobResult, jobTries, timeline, type TaskRecord } from '../../src/views/task-views.ts';
import type { AgentRun, Job, Task } from '../../src/store/schema.ts';

const at = (n: number) => `2026-01-01T00:00:${String(n).padStart(2, '0')}.000Z`;
const task: Task = { id: 1, repo: '/r', branch: 'b', base: 'main', title: 'T', stage: 'development', state: 'active', validated_sha: null, blocked_reason: null, substate: null, merge_policy: null, suite_cmd: null, timeout_s: null, version: 1, created_at: at(0), updated_at: at(0) };

function job(id: number, stage: string, agent: string, state: Job['state'], outcome: string | null, detail: object | null = null): Job {
  return { id, task_id: 1, stage, agent, state, attempt: 1, infra_attempts: 0, not_before: null, lease_owner: null, lease_expires_at: null, pid: null, created_at: at(id), started_at: at(id), finished_at: at(id), outcome, detail: detail === null ? null : JSON.stringify(detail) };
}

const staged = (status: string, exitCode: number) => ({ result: { agent: 'staging-runner', staging: { kind: 'finished', status, exitCode, failClosed: false } } });

describe('task show', () => {
  it('numbers the tries of each visit to a stage 1, 2, 3 and starts again on the next visit', () => {
    const jobs = [job(1, 'analysis', 'analyst', 'failed', 'exit-3'), job(2, 'analysis', 'analyst', 'failed', 'exit-3'), job(3, 'analysis', 'analyst', 'succeeded', 'exit-0'), job(4, 'development', 'developer', 'succeeded', 'exit-0'), job(5, 'review', 'reviewer', 'succeeded', 'exit-0'), job(6, 'development', 'developer', 'queued', null)];
    expect([...jobTries(jobs).values()]).toEqual([1, 2, 3, 1, 1, 1]);
    const lines = timeline({ task, jobs, transitions: [], gateResults: [], runs: [], alerts: [] }).filter((e) => e.kind === 'job').map((e) => e.text);
    expect(lines.slice(0, 3)).toEqual([
      'job 1 analyst on analysis (attempt 1): failed (exit-3)',
      'job 2 analyst on analysis (attempt 2): failed (exit-3)',
      'job 3 analyst on analysis (attempt 3): succeeded (exit-0)',
    ]);
  });

  it('a staging run whose suite exited 1 shows failed with exit 1, on the job and on its run', () => {
    const failedRun = job(7, 'deploy-staging', 'staging-runner', 'succeeded', 'ok', staged('FAILED', 1));
    const passedRun = job(8, 'deploy-staging', 'staging-runner', 'succeeded', 'ok', staged('PASSED', 0));
    expect(jobResult(failedRun)).toBe('suite failed (staging_status: FAILED, exit 1)');
    expect(jobResult(passedRun)).toBe('suite passed (staging_status: PASSED, exit 0)');
    const run: AgentRun = { id: 1, job_id: 7, task_id: 1, role: 'staging-runner', transport: 'deterministic', started_at: at(7), finished_at: at(8), duration_ms: 900, exit_code: 0, tokens_in: null, tokens_out: null, cost_usd: null, model: null };
    const record: TaskRecord = { task, jobs: [failedRun], transitions: [], gateResults: [], runs: [run], alerts: [] };
    expect(timeline(record).map((e) => e.text)).toEqual([
      'job 7 staging-runner on deploy-staging (attempt 1): suite failed (staging_status: FAILED, exit 1)',
      'run staging-runner (deterministic) job 7: suite exit 1 in 900 ms',
    ]);
  });
});
