// orch:reserved-agents (docs/architecture/pipeline.md) = the reserved deterministic agents that
// launchJob runs in-process before any LLM spawn, with the stage each runs and the LLM role it
// stands in for there. Enabled when issue 4's registry is named in model.reservedAgents.
import { reservedAgentsShape, rolesShape } from '../model/shapes.ts';
import { docOption } from './options.ts';
import type { BlockFamily } from './types.ts';
import { toYaml, yamlEntries } from './yaml.ts';

export const reservedAgentsBlock: BlockFamily<{ doc: string }> = {
  name: 'reserved-agents',
  options: docOption('docs/architecture/pipeline.md'),
  requires: ['reservedAgents', 'roles'],
  async instances(ctx, { doc }) {
    return [
      {
        name: 'reserved-agents',
        lang: 'yaml',
        doc,
        async derive() {
          const registry = await ctx.model.get('reservedAgents', reservedAgentsShape);
          const roles = await ctx.model.get('roles', rolesShape);
          const rows = Array.isArray(registry)
            ? registry.map((r) => ({ agent: (r.name ?? r.agent) as string, stage: r.stage }))
            : Object.entries(registry).map(([agent, r]) => ({ agent, stage: r.stage }));
          const data = rows.map((r) => ({
            ...r,
            replaces: roles.find((x) => x.stage === r.stage && x.kind === 'llm' && x.role !== r.agent)?.role ?? null,
          }));
          return {
            body: toYaml(data, { flowItems: true }),
            entries: data.map((d) => ({ key: d.agent, data: d })),
            source: ctx.model.fileOf('reservedAgents'),
          };
        },
        parse: (body) => yamlEntries(body, (item) => {
          const a = (item as { agent?: unknown })?.agent;
          return typeof a === 'string' ? a : null;
        }),
      },
    ];
  },
};
