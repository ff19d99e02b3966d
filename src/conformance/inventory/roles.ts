// Which roles a transport call-site reaches, and each role's axis, from the registries. The rule
// (docs/conformance.md): a `role:`/`agent:` property names the role; else string arguments equal
// to an LLM role (or a stage, meaning its default role); else the call is dynamic and reaches
// every LLM role (launchJob passes the job, whatever its role).
import type { RoleRow } from '../model/shapes.ts';
import type { Axis } from './classify.ts';

export interface CallRoles {
  readonly roles: readonly string[];
  readonly dynamic: boolean;
  /** Named roles that are not LLM roles of the registry (unknown, or reserved deterministic agents). */
  readonly invalid: readonly string[];
}

export function rolesOfCall(roleLiterals: readonly string[], literals: readonly string[], roles: readonly RoleRow[]): CallRoles {
  const llm = roles.filter((r) => r.kind === 'llm');
  const isLlm = (name: string) => llm.some((r) => r.role === name);
  if (roleLiterals.length > 0) {
    return { roles: [...new Set(roleLiterals.filter(isLlm))], dynamic: false, invalid: [...new Set(roleLiterals.filter((r) => !isLlm(r)))] };
  }
  const named = new Set<string>();
  for (const lit of literals) {
    if (isLlm(lit)) named.add(lit);
    const byStage = llm.find((r) => r.stage === lit);
    if (byStage) named.add(byStage.role);
  }
  if (named.size > 0) return { roles: llm.map((r) => r.role).filter((r) => named.has(r)), dynamic: false, invalid: [] };
  return { roles: llm.map((r) => r.role), dynamic: true, invalid: [] };
}

/** What a QG check consumes: its declared verdictKey, or the key its id names (`check_<key>`). */
export function consumedKeys(qgChecks: Readonly<Record<string, readonly (string | { id: string; verdictKey?: string | null | undefined })[]>>): Set<string> {
  const keys = new Set<string>();
  for (const checks of Object.values(qgChecks)) {
    for (const c of checks) {
      const id = typeof c === 'string' ? c : c.id;
      const declared = typeof c === 'string' ? undefined : c.verdictKey;
      if (declared) keys.add(declared);
      else if (id.startsWith('check_')) keys.add(id.slice('check_'.length));
    }
  }
  return keys;
}

/** C when the role's verdict key is consumed by a gate (or, before the gate registry exists, is a registered key). */
export function axisOf(role: RoleRow, consumed: ReadonlySet<string>): Axis {
  return role.verdictKey !== null && consumed.has(role.verdictKey) ? 'C' : 'P';
}
