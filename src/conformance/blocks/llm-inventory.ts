// orch:llm-inventory (docs/architecture/llm-call-sites.md) = the ts-morph scan: the transport, its
// call-sites, the LLM roles with axis and class, the deterministic agents, the accepted
// unresolved spawns/fetches. Alternative transports and undocumented unresolved calls are findings.
import { z } from 'zod';
import { HARNESS_CONFIG_FILE } from '../config/defaults.ts';
import { classAgrees, isAvoidable, type Axis } from '../inventory/classify.ts';
import { buildInventory } from '../inventory/build.ts';
import { consumedKeys } from '../inventory/roles.ts';
import { qgChecksShape, reservedAgentsShape, rolesShape, verdictKeysShape } from '../model/shapes.ts';
import type { BlockContext, BlockFamily, EntryProblem, ParsedBlock } from './types.ts';
import { toYaml, yamlEntries } from './yaml.ts';

const options = z
  .object({
    doc: z.string().min(1).default('docs/architecture/llm-call-sites.md'),
    /** Per LLM role: is there a deterministic equivalent of its judgment, and why (a human decision). */
    judgments: z
      .record(z.string(), z.object({ deterministic_equivalent: z.boolean(), justification: z.string().trim().min(1) }).strict())
      .default({}),
    /** Unresolved findings accepted here rather than inline: entry key -> reason. */
    unresolved: z.record(z.string(), z.string().trim().min(1, 'a reason')).default({}),
  })
  .strict();
type Options = z.output<typeof options>;

async function reservedStages(ctx: BlockContext): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!ctx.model.has('reservedAgents')) return out;
  const reserved = await ctx.model.get('reservedAgents', reservedAgentsShape);
  if (Array.isArray(reserved)) for (const r of reserved) out.set((r.name ?? r.agent) as string, r.stage);
  else for (const [name, r] of Object.entries(reserved)) out.set(name, r.stage);
  return out;
}

const keyOf = (item: unknown, section: string | null): string | null => {
  const rec = item as Record<string, unknown> | null;
  const id = rec?.id ?? rec?.agent;
  return section !== null && typeof id === 'string' ? `${section}/${id}` : null;
};

/** The doc copy must be coherent on its own: avoidable and class follow from axis and the bit. */
function selfChecks(parsed: ParsedBlock): EntryProblem[] {
  if (!parsed.ok) return [];
  const problems: EntryProblem[] = [];
  for (const e of parsed.entries.filter((x) => x.key.startsWith('roles/'))) {
    const r = e.data as { axis?: Axis; deterministic_equivalent?: unknown; avoidable?: unknown; class?: unknown };
    if ((r.axis !== 'C' && r.axis !== 'P') || typeof r.deterministic_equivalent !== 'boolean') continue;
    const avoidable = isAvoidable(r.axis, r.deterministic_equivalent);
    if (r.avoidable !== avoidable) {
      problems.push({ key: e.key, line: e.line ?? 1, message: `avoidable is ${String(r.avoidable)}, but axis ${r.axis} AND deterministic_equivalent ${r.deterministic_equivalent} is ${avoidable}` });
    }
    if (!classAgrees(r.axis, r.deterministic_equivalent, String(r.class))) {
      problems.push({ key: e.key, line: e.line ?? 1, message: `class ${String(r.class)} disagrees with axis ${r.axis} and deterministic_equivalent ${r.deterministic_equivalent} (see docs/architecture/llm-usage-policy.md)` });
    }
  }
  return problems;
}

export const llmInventoryBlock: BlockFamily<Options> = {
  name: 'llm-inventory',
  options,
  requires: ['roles', 'verdictKeys'],
  async instances(ctx, opts) {
    return [
      {
        name: 'llm-inventory',
        lang: 'yaml',
        doc: opts.doc,
        async derive() {
          const roles = await ctx.model.get('roles', rolesShape);
          const verdictKeys = await ctx.model.get('verdictKeys', verdictKeysShape);
          const gates = ctx.model.has('qgChecks') ? await ctx.model.get('qgChecks', qgChecksShape) : null;
          const { data, findings } = buildInventory({
            scan: await ctx.scan(),
            roles,
            consumed: gates ? consumedKeys(gates) : new Set(Object.keys(verdictKeys)),
            axisSource: gates ? 'qg-checks' : 'verdict-keys',
            reserved: await reservedStages(ctx),
            judgments: opts.judgments,
            documented: opts.unresolved,
            configFile: HARNESS_CONFIG_FILE,
          });
          const parsed = yamlEntries(toYaml(data), keyOf);
          return {
            body: toYaml(data),
            entries: parsed.ok ? parsed.entries.map(({ key, data: d }) => ({ key, data: d })) : [],
            source: `the scan of ${ctx.config.sources.join(', ')}`,
            findings,
          };
        },
        parse(body) {
          const parsed = yamlEntries(body, keyOf);
          return parsed.ok ? { ...parsed, checks: selfChecks(parsed) } : parsed;
        },
      },
    ];
  },
};
