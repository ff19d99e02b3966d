// orch:stage-transitions (docs/architecture/pipeline.md) = STAGE_TRANSITIONS, edge by edge.
import { transitionsShape } from '../model/shapes.ts';
import { docOption } from './options.ts';
import type { BlockFamily } from './types.ts';
import { toYaml, yamlEntries } from './yaml.ts';

const options = docOption('docs/architecture/pipeline.md');

const keyOf = (item: unknown): string | null => {
  const t = item as { from?: unknown; to?: unknown };
  return typeof t?.from === 'string' && typeof t.to === 'string' ? `${t.from}->${t.to}` : null;
};

export const stageTransitionsBlock: BlockFamily<{ doc: string }> = {
  name: 'stage-transitions',
  options,
  requires: ['stageTransitions'],
  async instances(ctx, { doc }) {
    return [
      {
        name: 'stage-transitions',
        lang: 'yaml',
        doc,
        async derive() {
          const rows = await ctx.model.get('stageTransitions', transitionsShape);
          const data = rows.map((t) => ({ from: t.from, to: t.to, kind: t.kind }));
          return {
            body: toYaml(data, { flowItems: true }),
            entries: data.map((d) => ({ key: `${d.from}->${d.to}`, data: d })),
            source: ctx.model.fileOf('stageTransitions'),
          };
        },
        parse: (body) => yamlEntries(body, keyOf),
      },
    ];
  },
};
