// orch:layers (docs/architecture/overview.md) = the layers the dependency rules enforce, bottom
// up: each layer's name, what it holds, the path patterns of its files and the layers it may
// import. Derived from the LAYERS export that the dependency-cruiser config builds its rules from,
// so the picture in the docs is the rule set. Enabled when model.layers names that export.
import { layersShape } from '../model/shapes.ts';
import { docOption } from './options.ts';
import type { BlockFamily } from './types.ts';
import { toYaml, yamlEntries } from './yaml.ts';

export const layersBlock: BlockFamily<{ doc: string }> = {
  name: 'layers',
  options: docOption('docs/architecture/overview.md'),
  requires: ['layers'],
  async instances(ctx, { doc }) {
    return [
      {
        name: 'layers',
        lang: 'yaml',
        doc,
        async derive() {
          const layers = await ctx.model.get('layers', layersShape);
          const data = layers.map((l, i) => ({ layer: l.name, holds: l.holds, may_import: layers.slice(0, i).map((b) => b.name), paths: [...l.paths] }));
          return {
            body: toYaml(data),
            entries: data.map((d) => ({ key: d.layer, data: d })),
            source: ctx.model.fileOf('layers'),
          };
        },
        parse: (body) => yamlEntries(body, (item) => {
          const l = (item as { layer?: unknown })?.layer;
          return typeof l === 'string' ? l : null;
        }),
      },
    ];
  },
};
