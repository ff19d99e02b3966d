// orch:config (docs/configuration.md) = the config schema (key, default, allowed, doc), and
// `.env.example` must list every key with the same default and doc, and no unknown ORCH_* key.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { configKeysShape } from '../model/shapes.ts';
import { checkEnvExample } from './env-example.ts';
import { rawEnvReads } from './raw-env.ts';
import type { BlockFamily } from './types.ts';
import { toYaml, yamlEntries } from './yaml.ts';

const options = z
  .object({
    doc: z.string().min(1).default('docs/configuration.md'),
    /** The example env file checked against the schema; null skips the check. @default ".env.example" */
    envExample: z.string().min(1).nullable().default('.env.example'),
    /** Files allowed to read ORCH_* from process.env directly (outside the registry's folder): path -> reason. @default {} */
    rawEnvAllowed: z.record(z.string().min(1), z.string().trim().min(1, 'a reason')).default({}),
  })
  .strict();

export const configBlock: BlockFamily<z.output<typeof options>> = {
  name: 'config',
  options,
  requires: ['configKeys'],
  async instances(ctx, opts) {
    const keys = async () => {
      const schema = await ctx.model.get('configKeys', configKeysShape);
      return Object.entries(schema).map(([key, def]) => ({ key, default: def.default, allowed: def.allowed, doc: def.doc }));
    };
    return [
      {
        name: 'config',
        lang: 'yaml',
        doc: opts.doc,
        async derive() {
          const data = await keys();
          const findings = rawEnvReads(ctx.config, ctx.model.fileOf('configKeys'), Object.keys(opts.rawEnvAllowed));
          return { body: toYaml(data), entries: data.map((d) => ({ key: d.key, data: d })), source: ctx.model.fileOf('configKeys'), findings };
        },
        parse: (body) => yamlEntries(body, (item) => {
          const key = (item as { key?: unknown })?.key;
          return typeof key === 'string' ? key : null;
        }),
        async companion() {
          if (opts.envExample === null) return { diagnostics: [] };
          const path = join(ctx.root, opts.envExample);
          const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
          const check = checkEnvExample(opts.envExample, text, await keys());
          return { diagnostics: check.diagnostics, rewrite: check.diagnostics.length > 0 ? { file: opts.envExample, text: check.repaired } : undefined };
        },
      },
    ];
  },
};
