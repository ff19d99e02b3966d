// Scanner benchmark (`tsx scripts/bench/scan.ts [--files N] [--repo DIR]...`): files per second of
// the LLM call-site scanner, with and without its token prefilter, against @ast-grep/napi running
// the same detection rules, and the `cat` floor (reading every file and nothing else). Also times
// `orch drift` on this repo. Prints JSON, then a Markdown table.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { resolveHarnessConfig } from '../../src/conformance/config/load.ts';
import { DEFAULT_AGENT_CLIS, DEFAULT_LLM_HOSTS, DEFAULT_LLM_SDKS } from '../../src/conformance/config/defaults.ts';
import { runDrift } from '../../src/conformance/drift.ts';
import { listSourceFiles } from '../../src/conformance/scan/files.ts';
import { scanRepo } from '../../src/conformance/scan/scan.ts';
import { AST_GREP_INSTALL, loadAstGrep, type AstGrepRule } from './lib/ast-grep.ts';
import { generateCorpus } from './lib/scan-corpus.ts';

const REPO_ROOT = resolve(import.meta.dirname, '../..');

async function requireAstGrep() {
  const mod = await loadAstGrep();
  if (mod === null) throw new Error(`@ast-grep/napi is not installed: ${AST_GREP_INSTALL}`);
  return mod;
}
const RUNS = 3;

interface Row {
  corpus: string;
  tool: string;
  files: number;
  ms: number;
  filesPerSecond: number;
  findings: number | null;
  note: string;
}

async function best(fn: () => Promise<number | null> | number | null): Promise<{ ms: number; findings: number | null }> {
  let ms = Infinity;
  let findings: number | null = null;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    findings = await fn();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, findings };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The scanner's detection rules, as one ast-grep rule: imports/requires of SDKs, spawn-like,
 * fetch and transport calls, `new` of SDK clients. ast-grep cannot follow imports, so it matches
 * by callee name: a superset of the scanner's resolved findings, never fewer nodes visited. */
function astGrepRule(): AstGrepRule {
  const sdk = `^['"\`](${DEFAULT_LLM_SDKS.map((s) => (s.endsWith('/') ? `${escape(s)}[^'"\`]+` : `${escape(s)}(/[^'"\`]*)?`)).join('|')})['"\`]$`;
  const spawnLike = '(^|\\.)(spawn|spawnSync|exec|execSync|execFile|execFileSync|execa|execaSync|execaCommand|execaCommandSync|\\$)$';
  const hosts = DEFAULT_LLM_HOSTS.map(escape).join('|');
  const clis = DEFAULT_AGENT_CLIS.map(escape).join('|');
  return {
    rule: {
      any: [
        { kind: 'import_statement', has: { field: 'source', regex: sdk } },
        { kind: 'call_expression', all: [{ has: { field: 'function', regex: '^(require|import)$' } }, { has: { field: 'arguments', has: { kind: 'string', regex: sdk } } }] },
        { kind: 'call_expression', has: { field: 'function', regex: spawnLike } },
        { kind: 'call_expression', has: { field: 'function', regex: '^((globalThis|window|self)\\.)?fetch$' } },
        { kind: 'call_expression', has: { field: 'function', regex: '(^|\\.)spawnAgent$' } },
        { kind: 'new_expression', has: { field: 'constructor', regex: '^(OpenAI|Anthropic|Groq|Mistral|GoogleGenAI|GoogleGenerativeAI)$' } },
        { kind: 'string', regex: `(${hosts}|^['"](${clis})['"]$)` },
      ],
    },
  };
}

async function astGrep(root: string): Promise<number> {
  const { Lang, findInFiles } = await requireAstGrep();
  let findings = 0;
  const matcher = astGrepRule();
  const count = (err: null | Error, nodes: unknown[]) => {
    if (err) throw err;
    findings += nodes.length;
  };
  await findInFiles(Lang.TypeScript, { paths: [root], matcher }, count);
  await findInFiles(Lang.Tsx, { paths: [root], matcher }, count);
  return findings;
}

async function benchCorpus(name: string, root: string, sources: string[]): Promise<Row[]> {
  const config = resolveHarnessConfig(root, { sources });
  const files = listSourceFiles(root, config);
  const rows: Row[] = [];
  const add = (tool: string, r: { ms: number; findings: number | null }, note: string) =>
    rows.push({ corpus: name, tool, files: files.length, ms: Math.round(r.ms), filesPerSecond: Math.round(files.length / (r.ms / 1000)), findings: r.findings, note });

  const abs = files.map((f) => join(root, f));
  add('cat (floor)', await best(async () => {
    await execa('xargs', ['-0', 'cat'], { input: abs.join('\0'), stdout: 'ignore' });
    return null;
  }), 'xargs cat > /dev/null');
  add('node readFileSync (floor)', await best(() => {
    for (const f of abs) readFileSync(f, 'utf8');
    return null;
  }), 'read every file, nothing else');
  let parsed = 0;
  add('orch scanner', await best(() => {
    const r = scanRepo(config);
    parsed = r.filesParsed;
    return r.findings.length + r.problems.length;
  }), '');
  (rows.at(-1) as Row).note = `warm (best of ${RUNS}); prefilter let ${parsed} of ${files.length} files through`;
  add('orch scanner, no prefilter', await best(() => {
    const r = scanRepo(config, { prefilter: false });
    return r.findings.length + r.problems.length;
  }), `warm (best of ${RUNS}); parses every file`);
  add('orch scanner, cold', await cold('orch', root, sources), 'first scan in a fresh process (JIT cold), module loading excluded');
  if ((await loadAstGrep()) === null) {
    process.stderr.write(`scan bench: @ast-grep/napi is not installed, its rows are left out (${AST_GREP_INSTALL})\n`);
    return rows;
  }
  add('@ast-grep/napi findInFiles', await best(() => astGrep(root)), `best of ${RUNS}; Rust, multi-threaded; same rules by callee name (no import resolution)`);
  add('@ast-grep/napi findInFiles, cold', await cold('ast-grep', root, sources), 'first search in a fresh process');
  return rows;
}

/** One measurement in a fresh process: this script with --child. */
async function cold(tool: 'orch' | 'ast-grep', root: string, sources: readonly string[]): Promise<{ ms: number; findings: number | null }> {
  // orch-inventory-ignore: runs this benchmark script itself with the current Node and tsx
  const r = await execa(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', tool, '--root', root, ...sources.flatMap((s) => ['--source', s])]);
  return JSON.parse(r.stdout) as { ms: number; findings: number | null };
}

async function child(tool: string, root: string, sources: string[]): Promise<void> {
  const config = resolveHarnessConfig(root, { sources });
  const t = performance.now();
  const findings = tool === 'orch' ? ((r) => r.findings.length + r.problems.length)(scanRepo(config)) : await astGrep(root);
  process.stdout.write(JSON.stringify({ ms: performance.now() - t, findings }));
}

async function driftTimings(): Promise<Row[]> {
  const inProcess = await best(async () => (await runDrift({ root: REPO_ROOT })).report.diagnostics.length);
  const cli = await best(async () => {
    // orch-inventory-ignore: runs this repo's own CLI with the current Node, never an agent
    const r = await execa(process.execPath, [join(REPO_ROOT, 'bin/orch.js'), 'drift', '--root', REPO_ROOT], { reject: false });
    return r.exitCode ?? null;
  });
  const files = listSourceFiles(REPO_ROOT, resolveHarnessConfig(REPO_ROOT, { sources: ['src', 'scripts', 'bin'] })).length;
  return [
    { corpus: 'this repo', tool: 'orch drift (in-process, warm)', files, ms: Math.round(inProcess.ms), filesPerSecond: 0, findings: inProcess.findings, note: 'every block, the scan, the migrated schema' },
    { corpus: 'this repo', tool: 'npx orch drift (CLI, cold)', files, ms: Math.round(cli.ms), filesPerSecond: 0, findings: cli.findings, note: 'exit code in findings; includes tsx and Node start' },
  ];
}

function markdown(rows: readonly Row[]): string {
  const head = '| corpus | tool | files | ms | files/s | findings | note |\n|---|---|---:|---:|---:|---:|---|';
  const body = rows.map((r) => `| ${r.corpus} | ${r.tool} | ${r.files} | ${r.ms} | ${r.filesPerSecond || ''} | ${r.findings ?? ''} | ${r.note} |`);
  return [head, ...body].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      files: { type: 'string', default: '5000' },
      repo: { type: 'string', multiple: true, default: [] },
      child: { type: 'string' },
      root: { type: 'string' },
      source: { type: 'string', multiple: true, default: [] },
    },
  });
  if (values.child) return child(values.child, values.root as string, values.source ?? []);
  const count = Number(values.files);
  const dir = mkdtempSync(join(tmpdir(), 'orch-bench-scan-'));
  try {
    const corpus = generateCorpus(dir, count);
    const rows = await benchCorpus(`generated (${corpus.files} files, ${corpus.violations} violations)`, dir, ['src']);
    for (const repo of values.repo ?? []) rows.push(...(await benchCorpus(repo, resolve(repo), ['.'])));
    rows.push(...(await driftTimings()));
    process.stdout.write(`${JSON.stringify({ node: process.version, runs: RUNS, rows }, null, 2)}\n\n${markdown(rows)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
