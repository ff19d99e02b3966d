// orch:verdict-keys (docs/architecture/pipeline.md) = the machine-verdict key registry: each key,
// its allowed values, the passing value, and the role whose artifact carries it.
import { rolesShape, verdictKeysShape } from '../model/shapes.ts';
import { docOption } from './options.ts';
import type { BlockFamily } from './types.ts';
import { toYaml, yamlEntries } from './yaml.ts';

export const verdictKeysBlock: BlockFamily<{ doc: string }> = {
  name: 'verdict-keys',
  options: docOption('docs/architecture/pipeline.md'),
  requires: ['verdictKeys', 'roles'],
  async instances(ctx, { doc }) {
    return [
      {
        name: 'verdict-keys',
        lang: 'yaml',
        doc,
        async derive() {
          const keys = await ctx.model.get('verdictKeys', verdictKeysShape);
          const roles = await ctx.model.get('roles', rolesShape);
          const data = Object.values(keys).map((k) => ({
            key: k.key,
            values: [...k.values],
            pass: k.pass,
            producer: roles.find((r) => r.verdictKey === k.key)?.role ?? null,
          }));
          return {
            body: toYaml(data, { flowItems: true }),
            entries: data.map((d) => ({ key: d.key, data: d })),
            source: ctx.model.fileOf('verdictKeys'),
          };
        },
        parse: (body) => yamlEntries(body, (item) => {
          const key = (item as { key?: unknown })?.key;
          return typeof key === 'string' ? key : null;
        }),
      },
    ];
  },
};
