// The per-task LLM budget (ORCH_TASK_BUDGET_USD, issue 17): THE transport compares the task's
// recorded LLM cost plus the role's mean cost so far with the budget before each spawn; a spawn
// that would pass it does not start, and the task is blocked with reason `budget` and one alert.
// Real worker, real store, the fake agent at its scripted $0.01 a run.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renderTask } from '../../src/views/task-views.ts';
import { readQueue } from '../../src/http/queue.ts';
import { checkBudget, estimateRunCost } from '../../src/launcher/budget.ts';
import { HAPPY, makeAgentEnv, path, type AgentEnv, type Scenario } from '../helpers/agents.ts';
import { makeTempRepo, type TempRepo } from '../helpers/git-repo.ts';

let repo: TempRepo;
const envs: AgentEnv[] = [];
beforeAll(async () => {
  repo = await makeTempRepo();
});
afterAll(() => repo.cleanup());
afterEach(async () => {
  for (const e of envs.splice(0)) await e.cleanup();
});
const setup = async (budget: string, scenario: Scenario = HAPPY) => {
  const e = await makeAgentEnv({ repo, scenario, env: { ORCH_TASK_BUDGET_USD: budget } });
  envs.push(e);
  return e;
};

describe('ORCH_TASK_BUDGET_USD', () => {
  it('0.025 with $0.01 runs: two LLM runs, then the third spawn does not start: blocked with reason budget, one alert', async () => {
    const e = await setup('0.025');
    const id = await e.add();
    await e.worker();
    const r = await e.record(id);
    expect(r.runs.map((u) => [u.role, u.transport, u.cost_usd])).toEqual([['analyst', 'llm', 0.01], ['architect', 'llm', 0.01]]);
    expect(r.task).toMatchObject({ stage: 'development', state: 'blocked' });
    expect(r.task.blocked_reason).toBe(
      `budget: the next developer run (about $0.0100, no developer run yet: the mean of 2 LLM run(s)) would take task ${id}'s LLM cost from $0.0200 to $0.0300, past ORCH_TASK_BUDGET_USD=0.025; raise the budget, then \`orch task retry ${id}\``,
    );
    expect(r.alerts.map((a) => [a.kind, a.message.startsWith(`task ${id} blocked on development: budget: `)])).toEqual([['budget', true]]);
    // The refused job ended without a run: failed, outcome budget, and no retry was queued.
    expect(r.jobs.map((j) => [j.stage, j.state, j.outcome])).toEqual([['analysis', 'succeeded', 'exit-0'], ['architecture', 'succeeded', 'exit-0'], ['development', 'failed', 'budget']]);
    // Visible in task show and GET /queue.
    expect(renderTask({ ...r, gateResults: r.gates })).toContain(`  blocked  budget: the next developer run`);
    expect(renderTask({ ...r, gateResults: r.gates })).toContain('  llm cost $0.0200 in 2 run(s)');
    const queue = await readQueue(e.store, e.config);
    expect(queue.budget).toEqual({ task_budget_usd: 0.025, blocked: [expect.objectContaining({ task_id: id, stage: 'development', reason: 'budget', spent_usd: 0.02, blocked_reason: r.task.blocked_reason })] });
    // A second worker pass changes nothing: the task stays blocked, still one alert.
    await e.worker();
    expect((await e.record(id)).alerts).toHaveLength(1);
    // The estimate: the role's own mean, else the mean of every LLM run; no budget never refuses.
    expect(await estimateRunCost(e.store.db, 'architect')).toEqual({ usd: 0.01, source: 'role', runs: 1 });
    expect(await estimateRunCost(e.store.db, 'reviewer')).toEqual({ usd: 0.01, source: 'all-roles', runs: 2 });
    expect(await checkBudget(e.store.db, { ORCH_TASK_BUDGET_USD: null }, id, 'developer')).toBeNull();
    expect(await checkBudget(e.store.db, { ORCH_TASK_BUDGET_USD: 0.03 }, id, 'developer')).toBeNull();
  });

  it('rework loops count: the rolled-back developer run is the one that would pass 0.045', async () => {
    const e = await setup('0.045', { roles: { ...HAPPY.roles, reviewer: [{ verdict: 'CHANGES_REQUESTED' }, { verdict: 'APPROVED' }] } });
    const id = await e.add();
    await e.worker();
    const r = await e.record(id);
    expect(r.runs.map((u) => u.role)).toEqual(['analyst', 'architect', 'developer', 'reviewer']);
    expect(path(r)).toEqual(['analysis->architecture', 'architecture->development', 'development->review', 'review->development']);
    expect(r.task).toMatchObject({ stage: 'development', state: 'blocked' });
    expect(r.task.blocked_reason).toContain('the next developer run (about $0.0100, the mean of 1 developer run(s)) would take');
    expect(r.task.blocked_reason).toContain('from $0.0400 to $0.0500');
    expect(r.alerts.map((a) => a.kind)).toEqual(['budget']);
  });
});
