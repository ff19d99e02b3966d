// orch:http-queue (docs/http.md) = every key of the GET /queue response, derived from its zod
// schema (model.queueFields): path, type and one line of doc. A key added, renamed or dropped in
// the schema, or a doc changed, is drift until the block follows.
import { queueFieldsShape } from '../model/shapes.ts';
import { docOption } from './options.ts';
import type { BlockFamily } from './types.ts';
import { toYaml, yamlEntries } from './yaml.ts';

export const httpQueueBlock: BlockFamily<{ doc: string }> = {
  name: 'http-queue',
  options: docOption('docs/http.md'),
  requires: ['queueFields'],
  async instances(ctx, { doc }) {
    return [
      {
        name: 'http-queue',
        lang: 'yaml',
        doc,
        async derive() {
          const fields = await ctx.model.get('queueFields', queueFieldsShape);
          const data = fields.map((f) => ({ key: f.key, type: f.type, doc: f.doc }));
          return {
            body: toYaml(data),
            entries: data.map((d) => ({ key: d.key, data: d })),
            source: ctx.model.fileOf('queueFields'),
          };
        },
        parse: (body) => yamlEntries(body, (item) => {
          const k = (item as { key?: unknown })?.key;
          return typeof k === 'string' ? k : null;
        }),
      },
    ];
  },
};
