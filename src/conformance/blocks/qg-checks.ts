// orch:qg-checks (docs/architecture/pipeline.md) = QG_CHECKS: each guarded transition and its
// ordered check ids. Enabled when the gate registry (issue 2) is named in model.qgChecks.
import { qgChecksShape } from '../model/shapes.ts';
import { docOption } from './options.ts';
import type { BlockFamily } from './types.ts';
import { toYaml, yamlEntries } from './yaml.ts';

export const qgChecksBlock: BlockFamily<{ doc: string }> = {
  name: 'qg-checks',
  options: docOption('docs/architecture/pipeline.md'),
  requires: ['qgChecks'],
  async instances(ctx, { doc }) {
    return [
      {
        name: 'qg-checks',
        lang: 'yaml',
        doc,
        async derive() {
          const registry = await ctx.model.get('qgChecks', qgChecksShape);
          const data = Object.entries(registry).map(([transition, checks]) => ({
            transition,
            checks: checks.map((c) => (typeof c === 'string' ? c : c.id)),
          }));
          return {
            body: toYaml(data, { flowItems: true }),
            entries: data.map((d) => ({ key: d.transition, data: d })),
            source: ctx.model.fileOf('qgChecks'),
          };
        },
        parse: (body) => yamlEntries(body, (item) => {
          const t = (item as { transition?: unknown })?.transition;
          return typeof t === 'string' ? t : null;
        }),
      },
    ];
  },
};
