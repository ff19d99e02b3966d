// A generated TypeScript corpus for the scanner benchmark: ordinary modules (classes, functions,
// types, local imports), with a realistic sprinkling of what the scanner looks for: harmless
// spawns and fetches, transport calls, comments that mention LLMs, and a few real violations.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A small seeded generator, so every run benchmarks the same corpus. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function plainModule(i: number, r: () => number): string {
  const fields = Array.from({ length: 3 + Math.floor(r() * 6) }, (_, k) => `  readonly field${k}: ${k % 2 ? 'number' : 'string'};`).join('\n');
  const methods = Array.from({ length: 2 + Math.floor(r() * 5) }, (_, k) => `  method${k}(input: Item${i}): number {\n    const total = input.field0.length + ${k};\n    return total > ${k * 3} ? total : this.helper${k}(total);\n  }\n  private helper${k}(n: number): number {\n    return [n, n + 1, n * 2].reduce((a, b) => a + b, 0);\n  }`).join('\n');
  return `import { shared${i % 50} } from '../../shared/shared${i % 50}.ts';
import type { Options } from '../../shared/types.ts';

/** Item ${i}: plain data. */
export interface Item${i} {
${fields}
}

export class Service${i} {
  constructor(private readonly options: Options) {}
${methods}
}

export function make${i}(options: Options): Service${i} {
  // Prefetch nothing here; the cache warms itself.
  return new Service${i}({ ...options, name: shared${i % 50} });
}
`;
}

const EXTRAS: Array<(i: number) => string> = [
  // Harmless spawn of a known program.
  (i) => `import { execa } from 'execa';\nexport async function gitHead${i}() {\n  return (await execa('git', ['rev-parse', 'HEAD'])).stdout;\n}\n`,
  // Fetch of a non-LLM URL.
  (i) => `export async function load${i}() {\n  return (await fetch('https://registry.npmjs.org/execa')).json();\n}\n`,
  // A transport call, dynamic and named.
  (i) => `import { spawnAgent } from '../../launcher/spawn-agent.ts';\nexport async function run${i}(job: { role: string }) {\n  await spawnAgent(job, 'agent');\n  return spawnAgent({ role: 'reviewer' }, 'agent');\n}\n`,
  // Comments and strings that mention LLMs: the prefilter lets the file through, the AST does not match.
  (i) => `// We used to call openai directly; now spawnAgent does.\nexport const note${i} = "spawn('claude') is not allowed here";\n`,
  // Waived unresolved spawn.
  (i) => `import { spawn } from 'node:child_process';\nexport function suite${i}(cmd: string) {\n  // orch-inventory-ignore: runs the configured suite\n  return spawn(cmd, []);\n}\n`,
];

const VIOLATIONS: Array<(i: number) => string> = [
  (i) => `import OpenAI from 'openai';\nconst client${i} = new OpenAI();\nexport const ask${i} = (q: string) => client${i}.responses.create({ model: 'm', input: q });\n`,
  (i) => `import { execa } from 'execa';\nexport const claude${i} = (p: string) => execa('claude', ['-p', p]);\n`,
  (i) => `export const raw${i} = () => fetch('https://api.anthropic.com/v1/messages', { method: 'POST' });\n`,
];

export interface Corpus {
  readonly root: string;
  readonly files: number;
  readonly violations: number;
}

/** Write `count` files under `<root>/src`; about 20% carry an extra, 1% a violation. */
export function generateCorpus(root: string, count: number, seed = 7): Corpus {
  const r = rng(seed);
  let violations = 0;
  mkdirSync(join(root, 'src/shared'), { recursive: true });
  writeFileSync(join(root, 'src/shared/types.ts'), 'export interface Options { readonly name: string }\n');
  for (let k = 0; k < 50; k++) writeFileSync(join(root, `src/shared/shared${k}.ts`), `export const shared${k} = 'shared-${k}';\n`);
  mkdirSync(join(root, 'src/launcher'), { recursive: true });
  writeFileSync(
    join(root, 'src/launcher/spawn-agent.ts'),
    "import { execa } from 'execa';\n/** The single LLM transport. @llmTransport */\nexport async function spawnAgent(job: { role: string }, command: string) {\n  return execa(command, [job.role]);\n}\n",
  );
  const written = 52;
  for (let i = 0; i < count - written; i++) {
    const dir = join(root, 'src', `area${i % 40}`, `mod${i % 7}`);
    mkdirSync(dir, { recursive: true });
    let text = plainModule(i, r);
    const roll = r();
    if (roll < 0.01) {
      text += (VIOLATIONS[i % VIOLATIONS.length] as (n: number) => string)(i);
      violations++;
    } else if (roll < 0.21) {
      text += (EXTRAS[i % EXTRAS.length] as (n: number) => string)(i);
    }
    writeFileSync(join(dir, `file${i}.ts`), text);
  }
  return { root, files: count, violations };
}
