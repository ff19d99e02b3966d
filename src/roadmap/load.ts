// The roadmap's inputs: every agent run and shadow run in the store, the inventory's roles (the
// orch:llm-inventory block of docs/architecture/llm-call-sites.md, generated from the code and
// kept true by the drift guard), and the reserved agents with the LLM role each stands in for.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ERROR_CODES, OrchError, errorMessage } from '../errors.ts';
import { extractBlocks } from '../conformance/markdown/blocks.ts';
import { ORCH_ROOT } from '../launcher/prompt.ts';
import { RESERVED_AGENTS } from '../launcher/reserved.ts';
import { ROLES } from '../core/stages.ts';
import type { Store } from '../store/db.ts';
import { buildRoadmap, type DeterministicAgent, type InventoryRole, type Roadmap } from './build.ts';

export const INVENTORY_DOC = 'docs/architecture/llm-call-sites.md';

/** The roles of the inventory block, in its order. */
export function readInventory(root = ORCH_ROOT): InventoryRole[] {
  const path = join(root, INVENTORY_DOC);
  let roles: unknown;
  try {
    const block = extractBlocks(readFileSync(path, 'utf8'), INVENTORY_DOC).find((b) => b.name === 'llm-inventory');
    if (!block) throw new Error('it has no orch:llm-inventory block');
    roles = (parse(block.body) as { roles?: unknown } | null)?.roles;
  } catch (error) {
    throw new OrchError(ERROR_CODES.SOURCE_UNAVAILABLE, `cannot read the LLM inventory ${path}: ${errorMessage(error)}; \`npx orch drift --write\` regenerates it`, { cause: error });
  }
  if (!Array.isArray(roles)) throw new OrchError(ERROR_CODES.SOURCE_UNAVAILABLE, `the LLM inventory in ${path} has no roles list; \`npx orch drift --write\` regenerates it`);
  return roles.map((r: Record<string, unknown>) => ({
    role: String(r.role),
    stage: String(r.stage),
    class: typeof r.class === 'string' ? r.class : null,
    avoidable: typeof r.avoidable === 'boolean' ? r.avoidable : null,
  }));
}

/** The reserved agents and the LLM role of their stage they stand in for (null: none). */
export function deterministicAgents(): DeterministicAgent[] {
  return RESERVED_AGENTS.map((a) => ({ agent: a.name, stage: a.stage, replaces: ROLES.find((r) => r.stage === a.stage && r.kind === 'llm')?.role ?? null }));
}

export async function loadRoadmap(store: Store, inventory: readonly InventoryRole[] = readInventory()): Promise<Roadmap> {
  const [runs, shadows] = await Promise.all([
    store.db.selectFrom('agent_runs').selectAll().orderBy('id').execute(),
    store.db.selectFrom('shadow_runs').selectAll().orderBy('id').execute(),
  ]);
  return buildRoadmap(runs, shadows, inventory, deterministicAgents());
}
