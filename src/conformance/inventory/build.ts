// The inventory data of orch:llm-inventory, built from a scan and the registries. Pure: the
// scan result and registries in; the block's data, its entries and the code-side findings out.
import { diagnostic, type Diagnostic, type RuleId } from '../diagnostics/diagnostic.ts';
import type { RoleRow } from '../model/shapes.ts';
import type { Finding, ScanResult } from '../scan/scan.ts';
import { classify, isAvoidable } from './classify.ts';
import { axisOf, rolesOfCall } from './roles.ts';

export interface Judgment {
  readonly deterministic_equivalent: boolean;
  readonly justification: string;
}

export interface InventoryInput {
  readonly scan: ScanResult;
  readonly roles: readonly RoleRow[];
  /** Verdict keys a QG check consumes (or every registered key, see axisSource). */
  readonly consumed: ReadonlySet<string>;
  readonly axisSource: 'qg-checks' | 'verdict-keys';
  /** Stages a reserved deterministic agent runs, by agent name. */
  readonly reserved: ReadonlyMap<string, string>;
  readonly judgments: Readonly<Record<string, Judgment>>;
  /** Unresolved findings documented in the harness config: key -> reason. */
  readonly documented: Readonly<Record<string, string>>;
  readonly configFile: string;
}

const ALTERNATIVE: Partial<Record<Finding['kind'], { rule: RuleId; what: (f: Finding) => string }>> = {
  'sdk-import': { rule: 'llm-sdk-import', what: (f) => `imports the LLM SDK "${f.detail}"` },
  'sdk-call': { rule: 'llm-sdk-call', what: (f) => `calls the LLM SDK "${f.detail}"` },
  'agent-spawn': { rule: 'agent-cli-spawn', what: (f) => `spawns the agent CLI "${f.detail}"` },
  'llm-fetch': { rule: 'llm-api-fetch', what: (f) => `fetches the LLM API host ${f.detail}` },
};

export function buildInventory(input: InventoryInput) {
  const label = 'orch:llm-inventory';
  const findings: Diagnostic[] = input.scan.problems.map((p) => ({ ...p, message: `${label}: ${p.message}` }));
  const at = (f: Finding, rule: RuleId, message: string) => findings.push(diagnostic(f.file, f.line, f.column, rule, `${label}: entry "${f.key}": ${message}`));
  const llmRoles = input.roles.filter((r) => r.kind === 'llm');

  const callSites = input.scan.findings.filter((f) => f.kind === 'transport-call').map((f) => {
    const reach = rolesOfCall(f.roleLiterals ?? [], f.literals ?? [], input.roles);
    for (const bad of reach.invalid) {
      const reserved = input.roles.some((r) => r.role === bad);
      at(f, 'transport-role', reserved ? `role "${bad}" is a reserved deterministic agent; it never reaches the LLM transport` : `role "${bad}" is not a role of the registry; known LLM roles: ${llmRoles.map((r) => r.role).join(', ')}`);
    }
    return { id: f.key, roles: [...reach.roles], dynamic: reach.dynamic };
  });

  for (const f of input.scan.findings) {
    const alt = ALTERNATIVE[f.kind];
    if (alt) at(f, alt.rule, `${alt.what(f)} outside the single LLM transport${input.scan.transport ? ` (${input.scan.transport.file}#${input.scan.transport.name})` : ''}; go through the transport instead`);
  }

  const unresolved: { id: string; reason: string; via: 'inline' | 'config' }[] = [];
  const documentedUsed = new Set<string>();
  for (const f of input.scan.findings.filter((x) => x.kind === 'unresolved-spawn' || x.kind === 'unresolved-fetch')) {
    const doc = input.documented[f.key];
    if (doc !== undefined) documentedUsed.add(f.key);
    if (f.waiver !== undefined) unresolved.push({ id: f.key, reason: f.waiver, via: 'inline' });
    else if (doc !== undefined) unresolved.push({ id: f.key, reason: doc, via: 'config' });
    else {
      const what = f.kind === 'unresolved-spawn' ? 'spawns a command that is not a literal' : 'fetches a URL that is not a literal';
      at(f, f.kind === 'unresolved-spawn' ? 'unresolved-spawn' : 'unresolved-fetch', `${what} (${f.detail}); waive it with "// orch-inventory-ignore: <reason>" on the line above, or document it under blocks.llm-inventory.unresolved in ${input.configFile}`);
    }
  }
  for (const key of Object.keys(input.documented).filter((k) => !documentedUsed.has(k))) {
    findings.push(diagnostic(input.configFile, 1, 1, 'waiver-unused', `${label}: documented exception "${key}" matches no unresolved finding; remove it from blocks.llm-inventory.unresolved`));
  }

  const roles = llmRoles.map((r) => {
    const axis = axisOf(r, input.consumed);
    const judgment = input.judgments[r.role];
    if (!judgment) {
      findings.push(diagnostic(input.configFile, 1, 1, 'judgment-missing', `${label}: entry "llm-${r.role}": role ${r.role} is an LLM role but blocks.llm-inventory.judgments has no {deterministic_equivalent, justification} for it`));
    }
    const det = judgment?.deterministic_equivalent ?? null;
    const implemented = [...input.reserved.values()].includes(r.stage);
    return {
      id: `llm-${r.role}`,
      role: r.role,
      stage: r.stage,
      sites: callSites.filter((c) => c.roles.includes(r.role)).map((c) => c.id),
      axis,
      verdict_key: r.verdictKey,
      deterministic_equivalent: det,
      avoidable: det === null ? null : isAvoidable(axis, det),
      class: det === null ? null : classify(axis, det, implemented),
      justification: judgment?.justification ?? null,
    };
  });
  for (const role of Object.keys(input.judgments).filter((j) => !llmRoles.some((r) => r.role === j))) {
    findings.push(diagnostic(input.configFile, 1, 1, 'judgment-stale', `${label}: blocks.llm-inventory.judgments names "${role}", which is not an LLM role of the registry`));
  }

  const deterministic = new Map<string, { agent: string; stage: string; verdict_key: string | null }>();
  for (const r of input.roles.filter((x) => x.kind === 'reserved')) deterministic.set(r.role, { agent: r.role, stage: r.stage, verdict_key: r.verdictKey });
  for (const [agent, stage] of input.reserved) {
    const key = input.roles.find((r) => r.stage === stage)?.verdictKey ?? null;
    if (!deterministic.has(agent)) deterministic.set(agent, { agent, stage, verdict_key: key });
  }

  const t = input.scan.transport;
  const data = {
    transport: t ? `${t.file}#${t.name}` : null,
    axis_source: input.axisSource,
    call_sites: callSites,
    roles,
    deterministic_agents: [...deterministic.values()],
    unresolved,
  };
  return { data, findings };
}
