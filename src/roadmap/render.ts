// `orch roadmap` on a terminal: one row per LLM role (the inventory's order), the deterministic
// agents that replace no LLM role, the totals, and the candidates with their class.
import { formatDuration } from '../util/duration.ts';
import { renderTable } from '../util/table.ts';
import type { Roadmap } from './build.ts';

const money = (n: number) => `$${n.toFixed(4)}`;
const ms = (n: number | null) => (n === null ? '-' : formatDuration(Math.round(n)));

export function renderRoadmap(r: Roadmap): string {
  const rows = r.roles.map((x) => [
    x.role,
    x.stage,
    x.class ?? '-',
    String(x.llm.runs),
    `${x.llm.tokens_in}/${x.llm.tokens_out}`,
    money(x.llm.cost_usd),
    ms(x.llm.mean_duration_ms),
    x.deterministic.agent ?? '-',
    String(x.deterministic.runs),
    x.savings_usd === null ? x.savings_note : money(x.savings_usd),
    x.shadow.compared === 0 ? (x.shadow.runs === 0 ? '-' : `0 compared of ${x.shadow.runs}`) : `${Math.round((x.shadow.agreement_rate ?? 0) * 100)}% (${x.shadow.agreed}/${x.shadow.compared})`,
  ]);
  const table = renderTable(['ROLE', 'STAGE', 'CLASS', 'LLM RUNS', 'TOKENS IN/OUT', 'LLM COST', 'MEAN LLM', 'DETERMINISTIC', 'DET RUNS', 'SAVINGS', 'SHADOW AGREEMENT'], rows);
  const other = r.other_deterministic.map((a) => `${a.agent} (${a.stage}) ${a.runs} run(s)${a.mean_duration_ms === null ? '' : `, mean ${ms(a.mean_duration_ms)}`}`).join('; ');
  const t = r.totals;
  const candidates = r.candidates.length === 0 ? ['  (none: no role is avoidable)'] : r.candidates.map((c, i) => `  ${i + 1}. ${c.role} (${c.stage}): ${c.class ?? 'unclassified'}`);
  const open = r.candidates.filter((c) => c.class === 'replace-deterministic-now').length;
  return [
    table,
    '',
    `other deterministic agents: ${other || 'none'}`,
    `totals: ${t.llm_runs} LLM run(s) for ${money(t.llm_cost_usd)}; ${t.deterministic_runs} deterministic run(s) saved ${money(t.savings_usd)} where a baseline exists; ${t.shadow_runs} shadow run(s) for ${money(t.shadow_cost_usd)}`,
    '',
    'candidates (the inventory\'s order):',
    ...candidates,
    open === 0 ? 'every candidate is implemented; shadow agreement is the evidence to keep them (see docs/architecture/llm-determinization-roadmap.md)' : `${open} candidate(s) still to replace`,
  ].join('\n');
}
