// The dependency rules hold (`npm run lint:deps` runs them on src/): the repo's own rule set,
// cruised over a small tree that breaks them, reports exactly the breaks, and a tree that keeps
// them reports nothing. Runs dependency-cruiser in-process (no CLI start-up).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise, type IConfiguration, type ICruiseResult } from 'dependency-cruiser';
import { describe, expect, it, onTestFinished } from 'vitest';

// The rule set exactly as `npm run lint:deps` loads it (a JavaScript module, so imported by URL).
const CONFIG_URL = new URL('../../.dependency-cruiser.mjs', import.meta.url).href;
const config = ((await import(CONFIG_URL)) as { default: IConfiguration }).default;

const TSCONFIG = JSON.stringify({ compilerOptions: { module: 'nodenext', allowImportingTsExtensions: true, verbatimModuleSyntax: true, noEmit: true } });

/** Cruise `files` (path -> text, under src/) with the repo's rules; the violations as [rule, from, to]. */
async function violations(files: Record<string, string>): Promise<string[][]> {
  const dir = mkdtempSync(join(tmpdir(), 'orch-layers-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'tsconfig.json'), TSCONFIG);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, dirname(path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const result = await cruise(['src'], { ...config.options, baseDir: dir, tsConfig: { fileName: 'tsconfig.json' }, validate: true, ruleSet: { forbidden: config.forbidden ?? [] } });
  const output = result.output as ICruiseResult;
  return output.summary.violations.map((v) => [v.rule.name, v.from, v.to]).sort();
}

describe('the dependency rules (.dependency-cruiser.mjs)', () => {
  it('refuse IO and the store in src/core, an upward import, a runtime cycle and a foreign barrel', async () => {
    expect(
      await violations({
        'src/errors.ts': 'export class OrchError extends Error {}\n',
        'src/core/decide.ts': "import { readFileSync } from 'node:fs';\nimport { open } from '../store/db.ts';\nimport { OrchError } from '../errors.ts';\nexport const d = [readFileSync, open, OrchError];\n",
        'src/store/db.ts': "import { run } from '../worker/loop.ts';\nexport const open = run;\n",
        'src/worker/loop.ts': "import { spawn } from '../proc/index.ts';\nexport const run = spawn;\n",
        'src/proc/index.ts': "export { spawn } from './spawn.ts';\n",
        'src/proc/spawn.ts': 'export const spawn = 1;\n',
        'src/util/a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
        'src/util/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\nimport { run } from '../pipeline/gates/index.ts';\nexport const r = run;\n",
        'src/pipeline/gates/index.ts': 'export const run = 1;\n',
      }),
    ).toEqual([
      ['core-is-pure', 'src/core/decide.ts', 'fs'],
      ['layer-base', 'src/util/b.ts', 'src/pipeline/gates/index.ts'],
      ['layer-core', 'src/core/decide.ts', 'src/store/db.ts'],
      ['layer-store', 'src/store/db.ts', 'src/worker/loop.ts'],
      ['no-circular', 'src/util/a.ts', 'src/util/b.ts'],
      ['no-foreign-barrel', 'src/util/b.ts', 'src/pipeline/gates/index.ts'],
    ]);
  });

  it('let every layer import core, core import only itself and src/errors.ts, and a type-only import pass', async () => {
    expect(
      await violations({
        'src/errors.ts': 'export class OrchError extends Error {}\n',
        'src/core/backoff.ts': "import { OrchError } from '../errors.ts';\nexport const b = OrchError;\n",
        'src/core/decide.ts': "import { b } from './backoff.ts';\nimport type { Db } from '../store/db.ts';\nexport const d = (x: Db) => [b, x];\n",
        'src/store/db.ts': "import { d } from '../core/decide.ts';\nexport type Db = number;\nexport const s = d;\n",
        'src/cli/main.ts': "import { s } from '../store/db.ts';\nimport { d } from '../core/decide.ts';\nexport const m = [s, d];\n",
      }),
    ).toEqual([]);
  });
});
