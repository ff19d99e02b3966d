// launchJob end to end on real repos, stores and processes: the reserved agents are taken before
// any spawn, the transport's protocol, publishing the developer's commits, and the lease guard.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { quote } from 'shell-quote';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchJob } from '../../src/launcher/launch.ts';
import { RESERVED_AGENTS } from '../../src/launcher/reserved.ts';
import { spawnAgent } from '../../src/launcher/transport.ts';
import { ROLES } from '../../src/core/stages.ts';
import { insertJob } from '../../src/store/repos/jobs.ts';
import { claimNextJob, takeOverLease } from '../../src/store/repos/job-queue.ts';
import { getTask } from '../../src/store/repos/tasks.ts';
import type { Job } from '../../src/store/schema.ts';
import { newWorkerId } from '../../src/proc/identity.ts';
import { HAPPY, makeAgentEnv, type AgentEnv } from '../helpers/agents.ts';
import { makeTempRepo, type TempRepo } from '../helpers/git-repo.ts';


let env: AgentEnv | undefined;
// One repo for the file (each test has its own ORCH_HOME, store and worktree); tests read tips, not fixed commits.
let repo: TempRepo;
beforeAll(async () => {
  repo = await makeTempRepo();
});
afterAll(() => repo.cleanup());
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

const owner = newWorkerId();
async function claim(e: AgentEnv, who = owner): Promise<Job> {
  const now = Date.now();
  const job = await claimNextJob(e.store, { owner: who, now: new Date(now).toISOString(), leaseUntil: new Date(now + 60_000).toISOString() });
  if (!job) throw new Error('nothing to claim');
  return job;
}
const launch = (e: AgentEnv, job: Job, who = owner) => launchJob({ store: e.store, config: e.config, owner: who, signal: new AbortController().signal, marker: {} }, job);

describe('launchJob', () => {
  it('the registry covers exactly the reserved roles of the stage table', () => {
    // Plus the test and staging runners, which take the LLM tester's and deployer's stages for the repos they are enabled for.
    expect(RESERVED_AGENTS.map((a) => [a.name, a.stage])).toEqual([['test-runner', 'testing'], ['staging-runner', 'deploy-staging'], ...ROLES.filter((r) => r.kind === 'reserved').map((r) => [r.role, r.stage])]);
  });

  it('reserved agents never reach spawnAgent; an LLM role does, once', async () => {
    const e = (env = await makeAgentEnv({ scenario: HAPPY, repo }));
    const id = await e.add({ stage: 'deploy' });
    for (const expected of ['deploy-finalizer', 'post-deploy-monitor']) {
      const result = await launch(e, await claim(e));
      expect(result.kind === 'finished' && result.report).toMatchObject({ agent: expected, transport: 'deterministic', status: 'ok' });
    }
    expect(e.agentCalls()).toEqual([]);
    const record = await e.record(id);
    expect(record.task).toMatchObject({ stage: 'done', state: 'done' });
    expect(record.runs.map((r) => [r.role, r.transport, r.exit_code])).toEqual([['deploy-finalizer', 'deterministic', 0], ['post-deploy-monitor', 'deterministic', 0]]);

    await e.repo.git('branch', '--force', 'second', e.repo.branch);
    const second = await e.add({ stage: 'review', branch: 'second' });
    const result = await launch(e, await claim(e));
    expect(e.agentCalls()).toEqual(['reviewer']);
    expect(result.kind === 'finished' && result.report).toMatchObject({ agent: 'reviewer', transport: 'llm', usage: { tokensIn: 1000, tokensOut: 200, costUsd: 0.01, model: 'fake-agent-1' } });
    expect((await getTask(e.store.db, second)).stage).toBe('testing');
  });

  it('the transport runs ORCH_AGENT_CMD without a shell in the worktree, prompt on stdin, task in env', async () => {
    const e = (env = await makeAgentEnv({ scenario: HAPPY, repo }));
    const probe = join(e.home, 'probe.mjs');
    writeFileSync(probe, `import { writeFileSync } from 'node:fs';
const chunks = []; for await (const c of process.stdin) chunks.push(c);
const pick = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('ORCH_') && k !== 'TEST_ORCH_MARKER'));
writeFileSync(process.env.ORCH_ARTIFACT_PATH, JSON.stringify({ stdin: Buffer.concat(chunks).toString(), cwd: process.cwd(), argv: process.argv.slice(2), env: pick }));
console.log(JSON.stringify({ usage: { input_tokens: 11, output_tokens: 22 }, total_cost_usd: 0.5, model: 'probe-1' }));
`);
    const config = { ...e.config, ORCH_AGENT_CMD: [process.execPath, probe, 'a b', '$HOME', '*'] };
    const id = await e.add({ stage: 'testing' });
    process.env.ORCH_WORKER_LEASE_S = '9'; // orch's own config must not leak into the agent
    try {
      const result = await launchJob({ store: e.store, config, owner, signal: new AbortController().signal, marker: { ORCHJOB_TEST: '1' } }, await claim(e));
      expect(result.kind === 'finished' && result.report.usage).toEqual({ tokensIn: 11, tokensOut: 22, costUsd: 0.5, model: 'probe-1' });
    } finally {
      delete process.env.ORCH_WORKER_LEASE_S;
    }
    const seen = JSON.parse(readFileSync(join(e.home, 'tasks', String(id), '12-test-report.md'), 'utf8'));
    const worktree = join(e.home, 'worktrees', String(id));
    expect(seen.argv).toEqual(['a b', '$HOME', '*']);
    expect(seen.cwd).toBe(worktree);
    expect(seen.env).toEqual({
      ORCH_TASK_ID: String(id), ORCH_ROLE: 'tester', ORCH_STAGE: 'testing', ORCH_ARTIFACT_PATH: join(e.home, 'tasks', String(id), '12-test-report.md'),
      ORCH_WORKTREE: worktree, ORCH_VERDICT_KEY: 'test_status', ORCH_VERDICT_VALUES: 'PASSED,FAILED',
      // The tester's card names THE test suite (empty: the repo's npm test), the test runner's own setting.
      ORCH_TEST_SUITE_CMD: '',
    });
    expect(seen.stdin).toMatch(/^# Tester role card\n/);
    expect(seen.stdin).toContain('- Verdict: end the artifact with one line `test_status: <VALUE>`, VALUE one of PASSED, FAILED, outside any code block.');
    expect(seen.stdin).toContain(`- Task: ${id}: A change`);
  });

  it("publishes the developer's commits with compare-and-swap; a HEAD that does not descend from the tip fails and moves nothing", async () => {
    const e = (env = await makeAgentEnv({ scenario: HAPPY, repo }));
    const id = await e.add({ stage: 'development' });
    const tip = await e.repo.git('rev-parse', e.repo.branch);
    const first = await launch(e, await claim(e));
    expect(first.kind === 'finished' && first.report.detail?.publish).toMatchObject({ kind: 'published', from: tip, commits: 1 });
    const published = await e.repo.git('rev-parse', e.repo.branch);
    expect(await e.repo.git('rev-parse', `${published}~1`)).toBe(tip);

    // A developer that rewrites history: its HEAD no longer contains the branch tip.
    const rewrite = join(e.home, 'rewrite.mjs');
    writeFileSync(rewrite, `import { execFileSync } from 'node:child_process'; import { writeFileSync } from 'node:fs';
const git = (...a) => execFileSync('git', ['-c', 'user.name=x', '-c', 'user.email=x@x', ...a], { stdio: 'ignore' });
git('checkout', '--detach', 'HEAD~2'); writeFileSync('other.txt', 'x'); git('add', 'other.txt'); git('commit', '-m', 'rewritten');
writeFileSync(process.env.ORCH_ARTIFACT_PATH, 'done\\n');
`);
    await e.store.db.updateTable('tasks').set({ stage: 'development' }).where('id', '=', id).execute();
    await e.store.db.updateTable('jobs').set({ state: 'cancelled' }).where('task_id', '=', id).where('state', '=', 'queued').execute();
    await insertJob(e.store.db, { taskId: id, stage: 'development', agent: 'developer' });
    const config = { ...e.config, ORCH_AGENT_CMD: [process.execPath, rewrite] };
    const second = await launchJob({ store: e.store, config, owner, signal: new AbortController().signal, marker: {} }, await claim(e));
    expect(second.kind === 'finished' && second.report).toMatchObject({ status: 'failed', detail: { outcome: 'publish-diverged' } });
    expect(second.kind === 'finished' && second.report.reason).toMatch(/^commits not published: its HEAD [0-9a-f]{40} does not descend from the branch tip [0-9a-f]{40}; nothing was forced$/);
    expect(await e.repo.git('rev-parse', e.repo.branch)).toBe(published);
    expect(second.kind === 'finished' && second.finish.kind === 'recorded' && second.finish.failure).toMatchObject({ kind: 'retry', failures: 1 });
  });

  it('a worker whose lease was taken writes nothing: no agent_runs row, the job stays with its new owner', async () => {
    const e = (env = await makeAgentEnv({ scenario: HAPPY, repo }));
    await e.add({ stage: 'review' });
    const job = await claim(e);
    expect(await takeOverLease(e.store.db, job, 'someone-else', new Date(Date.now() + 60_000).toISOString())).toBe(true);
    const result = await launch(e, job);
    expect(result.kind === 'finished' && result.finish).toEqual({ kind: 'lease-lost' });
    expect(await e.count('agent_runs')).toBe(0);
    expect(await e.count('transitions')).toBe(0);
    const row = await e.store.db.selectFrom('jobs').selectAll().where('id', '=', job.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'running', lease_owner: 'someone-else', outcome: null });
  });

  it('a job that cannot start (its branch is gone) fails without an agent_runs row, and is retried', async () => {
    const e = (env = await makeAgentEnv({ scenario: HAPPY, repo }));
    await repo.git('branch', '--force', 'doomed', repo.branch);
    await e.add({ stage: 'review', branch: 'doomed' });
    await repo.git('branch', '-D', 'doomed');
    const job = await claim(e);
    const result = await launch(e, job);
    expect(result).toMatchObject({ kind: 'not-run', failure: { kind: 'retry', failures: 1 } });
    expect(result.kind === 'not-run' && result.reason).toBe(`worktree for task ${job.task_id} could not be prepared: branch doomed does not exist in ${repo.dir}; the task has no tip to work on`);
    expect(await e.count('agent_runs')).toBe(0);
    expect(e.agentCalls()).toEqual([]);
    const rows = await e.store.db.selectFrom('jobs').select(['state', 'outcome']).orderBy('id').execute();
    expect(rows).toEqual([{ state: 'failed', outcome: 'worktree-error' }, { state: 'queued', outcome: null }]);
  });
});
