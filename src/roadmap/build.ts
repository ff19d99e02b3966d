// `orch roadmap`: what the LLM roles cost and what the deterministic agents saved, from the store
// only (agent_runs and shadow_runs), next to the inventory's classes. Pure: rows in, figures out.
// No figure is invented: a saving needs a baseline of real LLM runs of the same role (its own runs
// or its shadow runs); without one it says so.
import type { AgentRun, ShadowRun } from '../store/schema.ts';

/** One LLM role of the inventory, in its order: name, stage, class, whether it is a candidate. */
export interface InventoryRole {
  readonly role: string;
  readonly stage: string;
  readonly class: string | null;
  readonly avoidable: boolean | null;
}

/** The reserved deterministic agents: name, stage, and the LLM role they stand in for (if any). */
export interface DeterministicAgent {
  readonly agent: string;
  readonly stage: string;
  readonly replaces: string | null;
}

export const NO_BASELINE = 'no LLM baseline';

export interface RoleFigures {
  readonly role: string;
  readonly stage: string;
  readonly class: string | null;
  readonly llm: {
    readonly runs: number;
    readonly tokens_in: number;
    readonly tokens_out: number;
    readonly cost_usd: number;
    /** Runs that reported a cost (the others count as runs, not as $0). */
    readonly runs_with_cost: number;
    readonly mean_duration_ms: number | null;
  };
  readonly deterministic: { readonly agent: string | null; readonly runs: number; readonly mean_duration_ms: number | null };
  /** The mean LLM cost of the role: over its LLM runs and its shadow LLM runs that reported a cost. */
  readonly baseline: { readonly runs: number; readonly mean_cost_usd: number } | null;
  /** deterministic runs x baseline mean; null with `savings_note` when there is no baseline or no deterministic agent. */
  readonly savings_usd: number | null;
  readonly savings_note: string;
  readonly shadow: { readonly runs: number; readonly compared: number; readonly agreed: number; readonly agreement_rate: number | null; readonly cost_usd: number };
}

export interface Roadmap {
  readonly roles: readonly RoleFigures[];
  /** Deterministic agents that stand in for no LLM role (deploy, post-deploy): their runs. */
  readonly other_deterministic: ReadonlyArray<{ readonly agent: string; readonly stage: string; readonly runs: number; readonly mean_duration_ms: number | null }>;
  /** The avoidable roles, in the inventory's order, with their class. */
  readonly candidates: ReadonlyArray<{ readonly role: string; readonly stage: string; readonly class: string | null }>;
  readonly totals: { readonly llm_runs: number; readonly llm_cost_usd: number; readonly deterministic_runs: number; readonly savings_usd: number; readonly shadow_runs: number; readonly shadow_cost_usd: number };
}

const mean = (values: readonly number[]): number | null => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);
const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
const money = (n: number) => `$${n.toFixed(4)}`;

export function buildRoadmap(runs: readonly AgentRun[], shadows: readonly ShadowRun[], inventory: readonly InventoryRole[], agents: readonly DeterministicAgent[]): Roadmap {
  const roles = inventory.map((r): RoleFigures => {
    const llm = runs.filter((u) => u.transport === 'llm' && u.role === r.role);
    const costs = llm.flatMap((u) => (u.cost_usd === null ? [] : [u.cost_usd]));
    const stand = agents.find((a) => a.replaces === r.role) ?? null;
    const det = stand ? runs.filter((u) => u.transport === 'deterministic' && u.role === stand.agent) : [];
    const shadow = shadows.filter((s) => s.role === r.role);
    const shadowCosts = shadow.flatMap((s) => (s.shadow === 'llm' && s.cost_usd !== null ? [s.cost_usd] : []));
    const baseCosts = [...costs, ...shadowCosts];
    const baseline = baseCosts.length === 0 ? null : { runs: baseCosts.length, mean_cost_usd: sum(baseCosts) / baseCosts.length };
    let savings: number | null = null;
    let note: string;
    if (!stand) note = 'no deterministic agent';
    else if (!baseline) note = NO_BASELINE;
    else {
      savings = det.length * baseline.mean_cost_usd;
      note = `${det.length} ${stand.agent} run(s) x ${money(baseline.mean_cost_usd)}, the mean of ${costs.length} LLM run(s) and ${shadowCosts.length} shadow LLM run(s) of ${r.role}`;
    }
    const compared = shadow.filter((s) => s.agree !== null);
    const agreed = compared.filter((s) => s.agree === 1).length;
    return {
      role: r.role,
      stage: r.stage,
      class: r.class,
      llm: {
        runs: llm.length,
        tokens_in: sum(llm.map((u) => u.tokens_in ?? 0)),
        tokens_out: sum(llm.map((u) => u.tokens_out ?? 0)),
        cost_usd: sum(costs),
        runs_with_cost: costs.length,
        mean_duration_ms: mean(llm.map((u) => u.duration_ms)),
      },
      deterministic: { agent: stand?.agent ?? null, runs: det.length, mean_duration_ms: mean(det.map((u) => u.duration_ms)) },
      baseline,
      savings_usd: savings,
      savings_note: note,
      shadow: { runs: shadow.length, compared: compared.length, agreed, agreement_rate: compared.length === 0 ? null : agreed / compared.length, cost_usd: sum(shadow.map((s) => s.cost_usd ?? 0)) },
    };
  });
  const other = agents
    .filter((a) => a.replaces === null)
    .map((a) => {
      const own = runs.filter((u) => u.transport === 'deterministic' && u.role === a.agent);
      return { agent: a.agent, stage: a.stage, runs: own.length, mean_duration_ms: mean(own.map((u) => u.duration_ms)) };
    });
  return {
    roles,
    other_deterministic: other,
    candidates: inventory.filter((r) => r.avoidable === true).map((r) => ({ role: r.role, stage: r.stage, class: r.class })),
    totals: {
      llm_runs: sum(roles.map((r) => r.llm.runs)),
      llm_cost_usd: sum(roles.map((r) => r.llm.cost_usd)),
      deterministic_runs: runs.filter((u) => u.transport === 'deterministic').length,
      savings_usd: sum(roles.map((r) => r.savings_usd ?? 0)),
      shadow_runs: shadows.length,
      shadow_cost_usd: sum(shadows.map((s) => s.cost_usd ?? 0)),
    },
  };
}
