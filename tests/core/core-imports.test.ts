// src/core imports nothing from outside src/core but src/errors.ts, not even a type: the
// typescript-eslint rule of eslint.config.mjs for src/core (dependency-cruiser only sees runtime
// imports). Linted in-process with the repo's own rule entry, on text placed at a core path.
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const CONFIG_URL = new URL('../../eslint.config.mjs', import.meta.url).href;
const ROOT = new URL('../../', import.meta.url).pathname;
const repoConfig = ((await import(CONFIG_URL)) as { default: Linter.Config[] }).default;
const coreEntry = repoConfig.find((c) => c.files?.includes('src/core/**/*.ts'));

async function problems(code: string, filePath = 'src/core/probe.ts'): Promise<string[]> {
  if (!coreEntry) throw new Error('eslint.config.mjs has no entry for src/core/**/*.ts');
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfigFile: true,
    // The core entry's rules with a parser that needs no type information.
    overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, plugins: { '@typescript-eslint': tseslint.plugin } }, coreEntry],
  });
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.line}: ${m.ruleId}`);
}

describe('core imports (eslint.config.mjs)', () => {
  it('refuses a type from the store, a config object, node IO and a database package in src/core', async () => {
    const code = [
      "import type { Job } from '../store/schema.ts';",
      "import type { Config } from '../config/keys.ts';",
      "import { readFileSync } from 'node:fs';",
      "import { sql } from 'kysely';",
      'export const x = [readFileSync, sql] as const;',
      'export type Y = Job | Config;',
    ].join('\n');
    expect(await problems(code)).toEqual([1, 2, 3, 4].map((l) => `${l}: @typescript-eslint/no-restricted-imports`));
  });

  it('lets core import core and src/errors.ts, and leaves other folders to the layer rules', async () => {
    expect(await problems("import { backoffMs } from './backoff.ts';\nimport { OrchError } from '../errors.ts';\nexport const z = [backoffMs, OrchError];\n")).toEqual([]);
    expect(await problems("import type { Job } from '../store/schema.ts';\nexport type J = Job;\n", 'src/worker/probe.ts')).toEqual([]);
  });
});
