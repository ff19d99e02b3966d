// `orch roadmap` (issue 17): after a demo with the LLM tester in shadow, every figure of
// `roadmap --json` is checked against the stored rows it is computed from; and the pure builder
// on rows made here (no cost reported, a disagreement, no baseline).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { buildRoadmap, NO_BASELINE, type Roadmap } from '../../src/roadmap/build.ts';
import { deterministicAgents, readInventory } from '../../src/roadmap/load.ts';
import { openStore } from '../../src/store/db.ts';
import type { AgentRun, ShadowRun } from '../../src/store/schema.ts';
import { cli } from '../helpers/cli.ts';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('orch roadmap after the demo', () => {
  it('lists every LLM role with its runs, tokens, cost and mean duration, the deterministic runs and savings of tester and deployer, and the shadow agreement: each figure from the rows', async () => {
    const demo = await cli(['demo', '--json', '--keep'], { ORCH_SHADOW_ROLES: 'tester' });
    const kept = (JSON.parse(demo.stdout) as { kept: string }).kept;
    onTestFinished(() => rmSync(kept, { recursive: true, force: true }));
    expect(demo.code).toBe(0);
    const home = join(kept, 'orch-home');
    const env = { ORCH_HOME: home, ORCH_DATABASE_URL: '' };
    const store = await openStore(loadConfig({ env, envFile: false }));
    let runs: AgentRun[];
    let shadows: ShadowRun[];
    try {
      runs = await store.db.selectFrom('agent_runs').selectAll().execute();
      shadows = await store.db.selectFrom('shadow_runs').selectAll().execute();
    } finally {
      await store.close();
    }
    const out = await cli(['roadmap', '--json'], env);
    expect(out.code).toBe(0);
    const r = JSON.parse(out.stdout) as Roadmap;

    expect(r.roles.map((x) => x.role)).toEqual(['analyst', 'architect', 'developer', 'reviewer', 'tester', 'deployer']);
    for (const x of r.roles) {
      const llm = runs.filter((u) => u.role === x.role && u.transport === 'llm');
      expect(x.llm.runs).toBe(llm.length);
      expect(x.llm.tokens_in).toBe(sum(llm.map((u) => u.tokens_in ?? 0)));
      expect(x.llm.tokens_out).toBe(sum(llm.map((u) => u.tokens_out ?? 0)));
      expect(x.llm.cost_usd).toBeCloseTo(sum(llm.map((u) => u.cost_usd ?? 0)), 10);
      expect(x.llm.mean_duration_ms).toBe(llm.length ? mean(llm.map((u) => u.duration_ms)) : null);
    }
    const byRole = Object.fromEntries(r.roles.map((x) => [x.role, x]));
    // The demo's shape: the LLM plays four roles, the runners take testing and deploy-staging.
    expect(r.roles.filter((x) => x.llm.runs > 0).map((x) => x.role)).toEqual(['analyst', 'architect', 'developer', 'reviewer']);
    for (const [role, agent] of [['tester', 'test-runner'], ['deployer', 'staging-runner']] as const) {
      const det = runs.filter((u) => u.role === agent && u.transport === 'deterministic');
      expect(det).toHaveLength(1);
      expect(byRole[role]?.deterministic).toEqual({ agent, runs: 1, mean_duration_ms: det[0]?.duration_ms });
    }
    // tester: no LLM run of its own, but one shadow LLM run with a cost: that is its baseline.
    const shadow = shadows.filter((s) => s.role === 'tester');
    expect(shadow).toHaveLength(1);
    expect(byRole.tester?.baseline).toEqual({ runs: 1, mean_cost_usd: shadow[0]?.cost_usd });
    expect(byRole.tester?.savings_usd).toBeCloseTo(1 * (shadow[0]?.cost_usd as number), 10);
    expect(byRole.tester?.shadow).toEqual({ runs: 1, compared: 1, agreed: shadow[0]?.agree, agreement_rate: shadow[0]?.agree, cost_usd: shadow[0]?.cost_usd });
    expect(shadow[0]).toMatchObject({ deterministic_verdict: 'PASSED', llm_verdict: 'PASSED', agree: 1 });
    // deployer: no LLM run and no shadow run: no baseline, and no invented figure.
    expect(byRole.deployer).toMatchObject({ baseline: null, savings_usd: null, savings_note: NO_BASELINE, shadow: { runs: 0, agreement_rate: null } });
    expect(r.other_deterministic.map((a) => [a.agent, a.runs])).toEqual([['deploy-finalizer', 1], ['post-deploy-monitor', 1]]);
    expect(r.candidates).toEqual([{ role: 'tester', stage: 'testing', class: 'implemented-deterministic' }, { role: 'deployer', stage: 'deploy-staging', class: 'implemented-deterministic' }]);
    expect(r.totals).toMatchObject({ llm_runs: runs.filter((u) => u.transport === 'llm').length, deterministic_runs: 4, shadow_runs: 1 });

    const text = await cli(['roadmap'], env);
    expect(text.stdout).toMatch(/^tester\s+testing\s+implemented-deterministic\s+0\s+0\/0\s+\$0\.0000\s+-\s+test-runner\s+1\s+\$0\.0100\s+100% \(1\/1\)$/m);
    expect(text.stdout).toMatch(/^deployer\s+deploy-staging\s+implemented-deterministic\s+0\s+0\/0\s+\$0\.0000\s+-\s+staging-runner\s+1\s+no LLM baseline\s+-$/m);
  });
});

describe('buildRoadmap', () => {
  const run = (id: number, role: string, transport: 'llm' | 'deterministic', cost: number | null, duration = 100): AgentRun => ({
    id, job_id: id, task_id: 1, role, transport, started_at: '', finished_at: '', duration_ms: duration, exit_code: 0, tokens_in: cost === null ? null : 10, tokens_out: cost === null ? null : 2, cost_usd: cost, model: null,
  });
  const shadow = (id: number, agree: number | null, cost: number | null, side: 'llm' | 'deterministic' = 'llm'): ShadowRun => ({
    id, task_id: 1, job_id: id, stage: 'testing', role: 'tester', agent: 'test-runner', shadow: side, deterministic_verdict: 'PASSED', llm_verdict: agree === null ? null : agree ? 'PASSED' : 'FAILED', agree, cost_usd: cost, tokens_in: null, tokens_out: null, duration_ms: 5, detail: null, created_at: '',
  });

  it('counts a run without a cost as a run but not in the baseline; agreement is over the compared rows only', () => {
    const r = buildRoadmap(
      [run(1, 'tester', 'llm', 0.02, 300), run(2, 'tester', 'llm', null, 100), run(3, 'test-runner', 'deterministic', null), run(4, 'test-runner', 'deterministic', null), run(5, 'test-runner', 'deterministic', null)],
      [shadow(1, 1, 0.04), shadow(2, 0, null), shadow(3, null, null), shadow(4, 1, null, 'deterministic')],
      readInventory(),
      deterministicAgents(),
    );
    const tester = r.roles.find((x) => x.role === 'tester');
    expect(tester).toMatchObject({
      llm: { runs: 2, runs_with_cost: 1, cost_usd: 0.02, mean_duration_ms: 200, tokens_in: 10 },
      deterministic: { agent: 'test-runner', runs: 3 },
      baseline: { runs: 2 },
      shadow: { runs: 4, compared: 3, agreed: 2, cost_usd: 0.04 },
    });
    expect(tester?.baseline?.mean_cost_usd).toBeCloseTo(0.03, 10);
    expect(tester?.savings_usd).toBeCloseTo(0.09, 10);
    expect(tester?.shadow.agreement_rate).toBeCloseTo(2 / 3, 10);
    expect(r.roles.find((x) => x.role === 'reviewer')).toMatchObject({ savings_usd: null, savings_note: 'no deterministic agent' });
  });
});
