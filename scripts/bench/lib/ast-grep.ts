// @ast-grep/napi, the comparison point of the scan benchmark. It is not a dependency of orch: the
// registry this project installs from serves its Linux x64 binary but not every platform package
// its lock entry names, so as a devDependency it broke `npm ci` on a clean clone. The bench
// installs it on demand into a folder of its own under the temp dir (reused by later runs), with
// npm's ordinary client, and loads it from there.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { DEFAULT_AGENT_CLIS, DEFAULT_LLM_HOSTS, DEFAULT_LLM_SDKS } from '../../../src/conformance/config/defaults.ts';

export const AST_GREP_VERSION = '0.51.2';

/** The rule object of ast-grep's NapiConfig (`{ rule: { any: [...] } }`). */
export type AstGrepRule = { rule: Record<string, unknown> };

export interface AstGrepModule {
  readonly Lang: { readonly TypeScript: unknown; readonly Tsx: unknown; readonly JavaScript: unknown };
  findInFiles(lang: unknown, config: { paths: string[]; matcher: AstGrepRule }, callback: (err: null | Error, nodes: unknown[]) => void): Promise<number>;
}

/** The folder ast-grep is installed in (its node_modules holds @ast-grep/napi). */
export function astGrepHome(): string {
  return join(tmpdir(), `bench-ast-grep-${AST_GREP_VERSION}`);
}

/** Install @ast-grep/napi into its own folder unless it is there already; returns the folder. */
export async function ensureAstGrep(): Promise<string> {
  const home = astGrepHome();
  if (existsSync(join(home, 'node_modules/@ast-grep/napi/package.json'))) return home;
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'package.json'), '{ "private": true }\n');
  process.stderr.write(`scan bench: installing @ast-grep/napi@${AST_GREP_VERSION} into ${home}\n`);
  await execa('npm', ['install', '--no-package-lock', '--no-audit', '--no-fund', `@ast-grep/napi@${AST_GREP_VERSION}`], { cwd: home });
  return home;
}

export function loadAstGrep(home: string): AstGrepModule {
  return createRequire(join(home, 'package.json'))('@ast-grep/napi') as AstGrepModule;
}

/** ast-grep's language for each file: every file of the set is searched exactly once. */
export function byLanguage(files: readonly string[]): { TypeScript: string[]; Tsx: string[]; JavaScript: string[] } {
  const out = { TypeScript: [] as string[], Tsx: [] as string[], JavaScript: [] as string[] };
  for (const f of files) {
    if (/\.tsx$/.test(f)) out.Tsx.push(f);
    else if (/\.[cm]?ts$/.test(f)) out.TypeScript.push(f);
    else out.JavaScript.push(f);
  }
  return out;
}

/** The child that runs ast-grep in a fresh process: plain Node, no tsx, so its start is fair. */
export const AST_GREP_CHILD = `
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
const [home, listFile, ruleFile] = process.argv.slice(2);
const t0 = performance.now();
const { Lang, findInFiles } = createRequire(home + '/package.json')('@ast-grep/napi');
const groups = JSON.parse(readFileSync(listFile, 'utf8'));
const matcher = JSON.parse(readFileSync(ruleFile, 'utf8'));
let matches = 0;
let files = 0;
let delivered = 0;
for (const [lang, paths] of Object.entries(groups)) {
  if (paths.length === 0) continue;
  files += await findInFiles(Lang[lang], { paths, matcher }, (err, nodes) => { if (err) throw err; delivered++; matches += nodes.length; });
}
// findInFiles resolves with the number of files that matched, before every per-file callback has
// been delivered: wait for them all.
while (delivered < files) await new Promise((r) => setImmediate(r));
process.stdout.write(JSON.stringify({ files, matches, ms: performance.now() - t0 }));
`;

/** ast-grep in this process over the same groups; waits for every per-file result. */
export async function astGrepInProcess(mod: AstGrepModule, groups: Record<string, string[]>, matcher: AstGrepRule): Promise<{ files: number; matches: number }> {
  let matches = 0;
  let files = 0;
  let delivered = 0;
  for (const [lang, paths] of Object.entries(groups)) {
    if (paths.length === 0) continue;
    files += await mod.findInFiles((mod.Lang as Record<string, unknown>)[lang], { paths, matcher }, (err, nodes) => {
      if (err) throw err;
      delivered++;
      matches += nodes.length;
    });
  }
  while (delivered < files) await new Promise((r) => setImmediate(r));
  return { files, matches };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The scanner's detection rules, as one ast-grep rule: imports/requires of SDKs, spawn-like,
 * fetch-like and SDK-method calls, `new` of SDK clients, LLM hosts and agent CLIs in strings.
 * ast-grep cannot follow imports or values, so it matches by names: a superset of what the
 * scanner reports, and at least as many nodes examined. */
export function astGrepRule(): AstGrepRule {
  const sdk = `^['"\`](${DEFAULT_LLM_SDKS.map((s) => (s.endsWith('/') ? `${escape(s)}[^'"\`]+` : `${escape(s)}(/[^'"\`]*)?`)).join('|')})['"\`]$`;
  const spawnLike = '(^|\\.)(spawn|spawnSync|exec|execSync|execFile|execFileSync|execa|execaSync|execaCommand|execaCommandSync|\\$)$';
  const fetchLike = '(^|\\.)(fetch|ofetch|request|get|post|put|patch)$|^(axios|got|ky)$';
  const sends = '\\.(create|stream|parse|complete|generateContent|generateContentStream|sendMessage|sendMessageStream|invoke|batch|chat|generate|embed|embedQuery|embedDocuments|run|query)$|^(generateText|streamText|generateObject|streamObject|embed|embedMany)$';
  const hosts = DEFAULT_LLM_HOSTS.map(escape).join('|');
  const clis = DEFAULT_AGENT_CLIS.map(escape).join('|');
  return {
    rule: {
      any: [
        { kind: 'import_statement', has: { field: 'source', regex: sdk } },
        { kind: 'call_expression', all: [{ has: { field: 'function', regex: '^(require|import)$' } }, { has: { field: 'arguments', has: { kind: 'string', regex: sdk } } }] },
        { kind: 'call_expression', has: { field: 'function', regex: spawnLike } },
        { kind: 'call_expression', has: { field: 'function', regex: fetchLike } },
        { kind: 'call_expression', has: { field: 'function', regex: sends } },
        { kind: 'new_expression', has: { field: 'constructor', regex: '^(OpenAI|AzureOpenAI|Anthropic|Groq|Mistral|GoogleGenAI|GoogleGenerativeAI|CohereClientV2|CohereClient|Ollama|Replicate|Chat[A-Z]\\w*)$' } },
        { kind: 'string', regex: `(${hosts}|^['"](${clis})['"]$)` },
      ],
    },
  };
}
