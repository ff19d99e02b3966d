// Each CLI start pays only for the command it runs: `orch --help` registers every command, so a
// command module (src/cli/commands/*.ts, loaded by program.ts on demand) may import its heavy
// packages only inside its action. Checked on esbuild's own import graph: the static imports
// reachable from main.ts and from each command module must not reach these packages.
import { resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
/** Our own modules that load a heavy package when imported (TypeScript's compiler, with its code cache). */
const HEAVY_OWN = ['src/conformance/scan/ts.ts'];
const HEAVY = ['ts-morph', '@ts-morph/common', 'kysely', 'better-sqlite3', 'pg', 'execa', 'fastify', 'yaml', 'playwright-core', 'mdast-util-from-markdown'];

async function graph(): Promise<Metafile['inputs']> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ['src/cli/main.ts'],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    outdir: 'unused',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return result.metafile.inputs;
}

/** Each heavy package reachable from `from` through static imports, with the chain that reaches it. */
function heavyReached(inputs: Metafile['inputs'], from: string): string[] {
  const via = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  const found: string[] = [];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    for (const im of inputs[file]?.imports ?? []) {
      if (im.kind !== 'import-statement') continue;
      if (!(im.path in inputs)) {
        if (HEAVY.some((p) => im.path === p || im.path.startsWith(`${p}/`))) {
          const chain = [im.path, file];
          for (let at = via.get(file); at; at = via.get(at)) chain.push(at);
          found.push(chain.reverse().join(' -> '));
        }
        continue;
      }
      if (HEAVY_OWN.includes(im.path)) {
        const chain = [im.path, file];
        for (let at = via.get(file); at; at = via.get(at)) chain.push(at);
        found.push(chain.reverse().join(' -> '));
        continue;
      }
      if (!via.has(im.path)) {
        via.set(im.path, file);
        queue.push(im.path);
      }
    }
  }
  return found;
}

describe('CLI start-up imports', () => {
  it('main.ts and every command module reach no heavy package through static imports', async () => {
    const inputs = await graph();
    const commands = (inputs['src/cli/program.ts']?.imports ?? []).filter((im) => im.kind === 'dynamic-import').map((im) => im.path);
    expect(commands.length).toBeGreaterThanOrEqual(12);
    expect(commands).toContain('src/cli/commands/doctor.ts');
    const reached = ['src/cli/main.ts', ...commands].flatMap((file) => heavyReached(inputs, file));
    expect(reached).toEqual([]);
  });
});
