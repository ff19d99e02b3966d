import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, IllegalTransitionError, VersionConflictError } from '../../src/errors.ts';
import { advance, conclude, evaluate } from '../../src/pipeline/advance.ts';
import { applyDecision } from '../../src/pipeline/apply.ts';
import { decide } from '../../src/core/decide.ts';
import { retryTask } from '../../src/pipeline/retry.ts';
import { requireTransition } from '../../src/core/transitions.ts';
import { openStore } from '../../src/store/db.ts';
import { alertsForTask } from '../../src/store/repos/alerts.ts';
import { gateResultsForTask, transitionsForTask } from '../../src/store/repos/history.ts';
import { jobsForTask } from '../../src/store/repos/jobs.ts';
import { getTask } from '../../src/store/repos/tasks.ts';
import { makeTempRepo, type TempRepo } from '../helpers/git-repo.ts';
import { makePipelineEnv, type PipelineEnv } from '../helpers/pipeline.ts';

let env: PipelineEnv | undefined;
let shared: TempRepo;
beforeAll(async () => {
  shared = await makeTempRepo({ featureCommits: 1 });
});
afterAll(() => shared.cleanup());
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});
/** A fresh home and store; the shared repo (one commit ahead) unless the test needs its own. */
const setup = async (options: Parameters<typeof makePipelineEnv>[0] = {}) =>
  (env = await makePipelineEnv(options.featureCommits === undefined ? { repo: shared, ...options } : options));

const PASSING: Record<string, [string, string]> = {
  review: ['10-review.md', 'review_status: APPROVED'],
  testing: ['12-test-report.md', 'test_status: PASSED'],
  'deploy-staging': ['15-staging-log.md', 'staging_status: PASSED'],
  deploy: ['20-deploy-log.md', 'deploy_status: DEPLOYED'],
  'post-deploy': ['25-monitor-log.md', 'monitor_status: HEALTHY'],
};

describe('advance', () => {
  it('walks a task from analysis to done, one transition, gate record and job per step', async () => {
    // Its own repo: the merge gate on deploy-staging -> deploy merges the branch into main.
    // The re-test is the sample's suite itself (`npm test` runs `node test.js`), minus npm's start-up.
    const e = await setup({ featureCommits: 1, env: { ORCH_MERGE_RETEST_CMD: 'node test.js' } });
    const id = await e.add();
    const seen: string[] = [];
    for (;;) {
      const task = await getTask(e.store.db, id);
      if (task.state === 'done') break;
      const artifact = PASSING[task.stage];
      if (artifact) e.write(id, artifact[0], `# ${task.stage}\n\n${artifact[1]}\n`);
      await e.finishJobs(id);
      const result = await advance(e, id);
      seen.push(`${result.from}->${result.to}:${result.outcome}`);
    }
    expect(seen).toEqual([
      'analysis->architecture:advanced',
      'architecture->development:advanced',
      'development->review:advanced',
      'review->testing:advanced',
      'testing->deploy-staging:advanced',
      'deploy-staging->deploy:advanced',
      'deploy->post-deploy:advanced',
      'post-deploy->done:done',
    ]);
    expect((await transitionsForTask(e.store.db, id)).length).toBe(8);
    expect((await gateResultsForTask(e.store.db, id)).map((g) => `${g.check_id}:${g.verdict}`)).toEqual([
      'check_branch_has_commits:pass',
      'check_review_status:pass',
      'check_test_status:pass',
      'check_coverage:pass',
      'check_staging_status:pass',
      'check_branch_mergeable:pass',
      'check_deploy_status:pass',
      'check_monitor_status:pass',
    ]);
    expect((await jobsForTask(e.store.db, id)).map((j) => j.agent)).toEqual([
      'analyst', 'architect', 'developer', 'reviewer', 'tester', 'deployer', 'deploy-finalizer', 'post-deploy-monitor',
    ]);
    expect(await getTask(e.store.db, id)).toMatchObject({ stage: 'done', state: 'done', version: 8 });
    expect(await e.repo.git('rev-parse', 'main')).toBe(await e.repo.git('rev-parse', e.repo.branch));
  });

  it('waits while the stage job is pending, writing nothing', async () => {
    const e = await setup();
    const id = await e.add({ stage: 'review' });
    const result = await advance(e, id);
    expect(result).toMatchObject({ outcome: 'deferred', from: 'review', to: 'review', jobId: null });
    expect(result.reason).toMatch(/^job \d+ \(reviewer\) is queued: the gate is evaluated once it has finished$/);
    expect(await e.count('gate_results')).toBe(0);
    expect((await getTask(e.store.db, id)).version).toBe(0);
  });

  it('review CHANGES_REQUESTED rolls back to development and queues the developer', async () => {
    const e = await setup();
    const id = await e.add({ stage: 'review' });
    e.write(id, '10-review.md', 'Needs work.\n\nreview_status: CHANGES_REQUESTED\n');
    await e.finishJobs(id);
    const result = await advance(e, id);
    expect(result).toMatchObject({ outcome: 'rolled-back', from: 'review', to: 'development', alertId: null });
    expect(result.reason).toBe('check_review_status: review_status: CHANGES_REQUESTED (10-review.md line 3)');
    const [transition] = await transitionsForTask(e.store.db, id);
    expect(transition).toMatchObject({ from_stage: 'review', to_stage: 'development', kind: 'rollback', reason: result.reason });
    const [gate] = await gateResultsForTask(e.store.db, id);
    expect(gate).toMatchObject({ from_stage: 'review', to_stage: 'testing', verdict: 'fail', transition_id: transition?.id });
    expect((await jobsForTask(e.store.db, id)).map((j) => `${j.agent}:${j.state}`)).toEqual(['reviewer:succeeded', 'developer:queued']);
  });

  it('development -> review without commits blocks with one alert; retry unblocks and re-queues', async () => {
    const e = await setup({ featureCommits: 0 });
    const id = await e.add({ stage: 'development' });
    await e.finishJobs(id);
    const result = await advance(e, id);
    expect(result).toMatchObject({ outcome: 'blocked', to: 'development' });
    expect(result.reason).toBe(`check_branch_has_commits: branch ${e.repo.branch} has no commits that main does not have`);
    expect(await getTask(e.store.db, id)).toMatchObject({ state: 'blocked', blocked_reason: result.reason });
    expect(await alertsForTask(e.store.db, id)).toMatchObject([{ kind: 'gate-failed', resolved_at: null }]);
    await expect(advance(e, id)).rejects.toMatchObject({ code: ERROR_CODES.TASK_STATE, message: expect.stringContaining(`task ${id} is blocked`) });

    const retried = await retryTask(e.store, id);
    expect(retried).toMatchObject({ unblocked: true, job: { agent: 'developer', state: 'queued', attempt: 1 } });
    expect(await getTask(e.store.db, id)).toMatchObject({ state: 'active', blocked_reason: null });
    expect((await alertsForTask(e.store.db, id))[0]?.resolved_at).not.toBeNull();
    await expect(retryTask(e.store, id)).rejects.toMatchObject({ code: ERROR_CODES.TASK_STATE });

    await e.repo.git('checkout', '--quiet', e.repo.branch);
    await e.repo.commit('work.txt', 'work\n');
    await e.finishJobs(id);
    expect(await advance(e, id)).toMatchObject({ outcome: 'advanced', to: 'review' });
  });

  it('deploy FAILED blocks the task (no rollback edge) with one alert', async () => {
    const e = await setup();
    const id = await e.add({ stage: 'deploy' });
    e.write(id, '20-deploy-log.md', 'deploy_status: FAILED\n');
    await e.finishJobs(id);
    expect(await advance(e, id)).toMatchObject({ outcome: 'blocked', alertId: expect.any(Number) });
    expect(await e.count('alerts')).toBe(1);
  });

  it('a missing verdict re-runs the job within the budget, then fails closed with ONE alert', async () => {
    const e = await setup({ env: { ORCH_VERDICT_RERUNS: '2' } });
    const id = await e.add({ stage: 'testing' });
    e.write(id, '12-test-report.md', 'All good, I think.\n');
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) {
      await e.finishJobs(id);
      const r = await advance(e, id);
      outcomes.push(`${r.outcome}:${r.gateResults[0]?.verdict}`);
    }
    expect(outcomes).toEqual(['deferred:defer', 'deferred:defer', 'rolled-back:fail']);
    expect((await jobsForTask(e.store.db, id)).map((j) => `${j.agent}#${j.attempt}`)).toEqual(['tester#1', 'tester#2', 'tester#3', 'developer#1']);
    const alerts = await alertsForTask(e.store.db, id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'verdict-exhausted' });
    const gates = await gateResultsForTask(e.store.db, id);
    expect(gates.map((g) => g.verdict)).toEqual(['defer', 'defer', 'fail']);
    expect(JSON.parse(gates[2]?.detail ?? '{}')).toMatchObject({ cause: 'verdict-missing', failClosed: true });
  });

  it('an invalid verdict defers with the parser reason', async () => {
    const e = await setup();
    const id = await e.add({ stage: 'deploy-staging' });
    e.write(id, '15-staging-log.md', 'staging_status: passed\n');
    await e.finishJobs(id);
    const r = await advance(e, id);
    expect(r).toMatchObject({ outcome: 'deferred', jobId: expect.any(Number) });
    expect(r.reason).toContain('values are case-sensitive: write PASSED');
  });

  it('entering a stage moves its artifact from an earlier round to history/, so it cannot pass the new round', async () => {
    const e = await setup();
    const id = await e.add({ stage: 'review' });
    const old = e.write(id, '12-test-report.md', 'test_status: PASSED\n');
    e.write(id, '10-review.md', 'review_status: APPROVED\n');
    await e.finishJobs(id);
    const entered = await advance(e, id);
    expect(entered).toMatchObject({ outcome: 'advanced', to: 'testing' });
    const [transition] = await transitionsForTask(e.store.db, id);
    expect(existsSync(old)).toBe(false);
    expect(readFileSync(join(dirname(old), 'history', `t${transition?.id}-12-test-report.md`), 'utf8')).toBe('test_status: PASSED\n');
    await e.finishJobs(id);
    const r = await advance(e, id);
    expect(r).toMatchObject({ outcome: 'deferred', to: 'testing' });
    expect(r.reason).toContain('12-test-report.md does not exist');
  });

  it('two advance() calls from two connections: one transition, the loser gets a conflict', async () => {
    const e = await setup();
    const id = await e.add({ stage: 'development' });
    await e.finishJobs(id);
    const other = await openStore(e.config);
    try {
      const results = await Promise.all([advance(e, id), advance({ store: other, config: e.config }, id)]);
      expect(results.map((r) => r.outcome).sort()).toEqual(['advanced', 'conflict']);
      const loser = results.find((r) => r.outcome === 'conflict');
      expect(loser?.reason).toBe(`task ${id} changed while it was being evaluated (expected version 0); nothing was written`);
      expect(await e.count('transitions')).toBe(1);
      expect(await e.count('gate_results')).toBe(1);
      expect((await jobsForTask(e.store.db, id)).filter((j) => j.agent === 'reviewer')).toHaveLength(1);
      expect(await getTask(e.store.db, id)).toMatchObject({ stage: 'review', version: 1 });
    } finally {
      await other.close();
    }
  });

  it('a decision made on an old version is rolled back whole (VersionConflictError)', async () => {
    const e = await setup();
    const id = await e.add({ stage: 'development' });
    await e.finishJobs(id);
    const other = await openStore(e.config);
    try {
      const a = await conclude(e, await evaluate(e, id));
      const b = await conclude({ store: other, config: e.config }, await evaluate({ store: other, config: e.config }, id));
      await applyDecision({ store: other, config: e.config }, b.task, b.decision!, b.lastJobId);
      await expect(applyDecision(e, a.task, a.decision!, a.lastJobId)).rejects.toBeInstanceOf(VersionConflictError);
      expect([await e.count('transitions'), await e.count('gate_results'), await e.count('jobs')]).toEqual([1, 1, 2]);
    } finally {
      await other.close();
    }
  });

  it('an illegal transition raises a typed error and writes nothing', async () => {
    const e = await setup();
    const id = await e.add({ stage: 'review' });
    await e.finishJobs(id);
    const task = await getTask(e.store.db, id);
    const decision = { ...decide({ taskId: id, from: 'review', outcomes: [], lastJob: null, verdictReruns: 2 }), transition: { from: 'review', to: 'deploy', kind: 'forward' } as const };
    const before = await Promise.all([e.count('transitions'), e.count('gate_results'), e.count('jobs')]);
    await expect(applyDecision(e, task, decision, null)).rejects.toBeInstanceOf(IllegalTransitionError);
    expect(await Promise.all([e.count('transitions'), e.count('gate_results'), e.count('jobs')])).toEqual(before);
    expect((await getTask(e.store.db, id)).version).toBe(0);
    expect(() => requireTransition('review', 'deploy')).toThrow(IllegalTransitionError);
  });

  it('a task left active on done cannot advance: typed error, nothing written', async () => {
    const e = await setup();
    const id = await e.add();
    await sql`update tasks set stage = 'done' where id = ${id}`.execute(e.store.db);
    await expect(advance(e, id)).rejects.toBeInstanceOf(IllegalTransitionError);
    expect(await e.count('transitions')).toBe(0);
  });
});
