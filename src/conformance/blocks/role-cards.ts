// orch:role/<role> (docs/agents/<role>.md), one per LLM role: the facts a role card, used as the
// agent's prompt, must get right: its stage, the artifact it writes, and the exact verdict lines
// it may end with. Derived from the role and verdict-key registries.
import { z } from 'zod';
import { rolesShape, verdictKeysShape } from '../model/shapes.ts';
import type { BlockFamily } from './types.ts';
import { toYaml, yamlEntries } from './yaml.ts';

const options = z
  .object({
    /** Folder of the role cards. @default "docs/agents" */
    dir: z.string().min(1).default('docs/agents'),
  })
  .strict();

export const ROLE_BLOCK_PREFIX = 'role/';

export const roleCardsBlock: BlockFamily<z.output<typeof options>> = {
  name: 'role-cards',
  prefix: ROLE_BLOCK_PREFIX,
  options,
  requires: ['roles', 'verdictKeys'],
  async instances(ctx, { dir }) {
    const roles = await ctx.model.get('roles', rolesShape);
    return roles
      .filter((r) => r.kind === 'llm')
      .map((r) => ({
        name: `${ROLE_BLOCK_PREFIX}${r.role}`,
        lang: 'yaml',
        doc: `${dir}/${r.role}.md`,
        async derive() {
          const keys = await ctx.model.get('verdictKeys', verdictKeysShape);
          const key = r.verdictKey === null ? undefined : keys[r.verdictKey];
          const data = {
            role: r.role,
            stage: r.stage,
            artifact: r.artifact,
            verdict_key: r.verdictKey,
            verdict_lines: key ? key.values.map((v) => `${key.key}: ${v}`) : [],
            passing_line: key ? `${key.key}: ${key.pass}` : null,
          };
          const body = toYaml(data);
          const parsed = yamlEntries(body, (item, section) => `${section}/${String(item)}`);
          return { body, entries: parsed.ok ? parsed.entries.map(({ key: k, data: d }) => ({ key: k, data: d })) : [], source: ctx.model.fileOf('roles') };
        },
        parse: (body: string) => yamlEntries(body, (item, section) => `${section}/${String(item)}`),
      }));
  },
};
