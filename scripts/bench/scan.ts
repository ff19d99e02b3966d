// Scanner benchmark (`tsx scripts/bench/scan.ts [--runs N] [--files N] [--registry-set] [--repo DIR]...`).
//
// 1. Quality: the scan of the labelled corpus (fixtures/llm-corpus) against its `// expect:`
//    labels, recall and precision per kind; exits 1 below the goals of issue 15.
// 2. Speed, per file set (the labelled corpus, a generated corpus, with --registry-set ~2,000
//    TypeScript sources of npm packages (lib/registry-set.ts), each --repo): medians of N
//    runs (default 5), rounds interleaved so machine load falls on every tool alike:
//    - `cat` over the file list, and Node reading every file: the floors;
//    - `orch scan DIR --json --no-cache` in a fresh process (the bin a user runs: Node, the
//      compiled CLI or tsx), the same with its cache (filled by the round before: every file
//      unchanged; kept in this bench's folder), and the scan in this process (warm);
//    - @ast-grep/napi findInFiles with the scanner's detection rules on exactly the same files
//      (each file under its own language: TypeScript, Tsx, JavaScript), in a fresh plain-Node
//      process and in this process. ast-grep is installed on demand (lib/ast-grep.ts).
// Prints JSON, then Markdown tables.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { DEFAULT_EXTENSIONS } from '../../src/conformance/config/defaults.ts';
import { listRepoFiles } from '../../src/conformance/scan/gitignore.ts';
import { scanDirectory } from '../../src/conformance/scan/standalone.ts';
import { AST_GREP_CHILD, AST_GREP_VERSION, astGrepInProcess, astGrepRule, byLanguage, ensureAstGrep, loadAstGrep } from './lib/ast-grep.ts';
import { belowGoals, LABELLED_KINDS, readLabels, score, type KindScore } from './lib/corpus-labels.ts';
import { ensureRegistrySet } from './lib/registry-set.ts';
import { generateCorpus } from './lib/scan-corpus.ts';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const CORPUS = join(REPO_ROOT, 'fixtures/llm-corpus');

interface Row {
  corpus: string;
  tool: string;
  files: number;
  runs: number;
  median: number;
  min: number;
  max: number;
  note: string;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function time(fn: () => unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** One file set, every tool, `runs` interleaved rounds. */
async function benchSet(name: string, root: string, runs: number, astGrepHome: string, work: string): Promise<Row[]> {
  const files = listRepoFiles(root, { extensions: DEFAULT_EXTENSIONS });
  const abs = files.map((f) => join(root, f));
  const groups = byLanguage(abs);
  const listFile = join(work, `${name.replace(/\W+/g, '-')}.files.json`);
  const ruleFile = join(work, 'rule.json');
  const cacheFile = join(work, `${name.replace(/\W+/g, '-')}.scan-cache.json`);
  const childFile = join(work, 'ast-grep-child.mjs');
  writeFileSync(listFile, JSON.stringify(groups));
  writeFileSync(ruleFile, JSON.stringify(astGrepRule()));
  writeFileSync(childFile, AST_GREP_CHILD);
  const astGrep = loadAstGrep(astGrepHome);
  const matcher = astGrepRule();
  const notes: Record<string, string> = {};

  const tools: Array<[string, () => Promise<unknown>]> = [
    ['cat (floor, fresh process)', () => execa('xargs', ['-0', 'cat'], { input: abs.join('\0'), stdout: 'ignore' })],
    ['Node readFileSync (floor, in-process)', async () => {
      for (const f of abs) readFileSync(f, 'utf8');
    }],
    ['orch scan --json --no-cache (fresh process)', async () => {
      // orch-inventory-ignore: runs this repo's own CLI with the current Node, never an agent
      const r = await execa(process.execPath, [join(REPO_ROOT, 'bin/orch.js'), 'scan', root, '--json', '--no-cache'], { reject: false });
      const out = JSON.parse(r.stdout) as { files: number; parsed: number; findings: unknown[] };
      if (out.files !== files.length) throw new Error(`orch scan read ${out.files} files, the set has ${files.length}`);
      notes['orch scan --json --no-cache (fresh process)'] = `exit ${r.exitCode}; ${out.findings.length} findings; prefilter let ${out.parsed} of ${out.files} files through to the parser`;
    }],
    ['orch scan --json (fresh process, its cache from the round before)', async () => {
      // orch-inventory-ignore: runs this repo's own CLI with the current Node, never an agent
      const r = await execa(process.execPath, [join(REPO_ROOT, 'bin/orch.js'), 'scan', root, '--json', '--cache-location', cacheFile], { reject: false });
      const out = JSON.parse(r.stdout) as { files: number; findings: unknown[]; cache: { hits: number; misses: number } };
      if (out.files !== files.length) throw new Error(`orch scan (cached) read ${out.files} files, the set has ${files.length}`);
      notes['orch scan --json (fresh process, its cache from the round before)'] = `${out.findings.length} findings; ${out.cache.hits} files from the cache, ${out.cache.misses} parsed`;
    }],
    ['orch scanner (in-process, warm)', async () => {
      const r = await scanDirectory(root);
      notes['orch scanner (in-process, warm)'] = `${r.findings.length} findings`;
    }],
    [`@ast-grep/napi ${AST_GREP_VERSION} findInFiles (fresh process)`, async () => {
      // orch-inventory-ignore: runs the ast-grep comparison script with the current Node, never an agent
      const r = await execa(process.execPath, [childFile, astGrepHome, listFile, ruleFile]);
      const out = JSON.parse(r.stdout) as { files: number; matches: number };
      notes[`@ast-grep/napi ${AST_GREP_VERSION} findInFiles (fresh process)`] = `plain Node; ${out.matches} matches in ${out.files} files (by name, no resolution)`;
    }],
    [`@ast-grep/napi ${AST_GREP_VERSION} findInFiles (in-process)`, async () => {
      const out = await astGrepInProcess(astGrep, groups, matcher);
      notes[`@ast-grep/napi ${AST_GREP_VERSION} findInFiles (in-process)`] = `${out.matches} matches in ${out.files} files`;
    }],
  ];
  // A warm-up round, not counted: disk caches, the tsx transform cache, ast-grep's install.
  for (const [, fn] of tools) await fn();
  const samples = new Map<string, number[]>(tools.map(([t]) => [t, []]));
  for (let i = 0; i < runs; i++) {
    for (const [tool, fn] of tools) (samples.get(tool) as number[]).push(await time(fn));
  }
  return tools.map(([tool]) => {
    const xs = samples.get(tool) as number[];
    return { corpus: name, tool, files: files.length, runs, median: Math.round(median(xs)), min: Math.round(Math.min(...xs)), max: Math.round(Math.max(...xs)), note: notes[tool] ?? '' };
  });
}

async function quality(): Promise<{ scores: KindScore[]; below: string[] }> {
  const scan = await scanDirectory(CORPUS);
  const files = listRepoFiles(CORPUS, { extensions: DEFAULT_EXTENSIONS });
  const labels = readLabels(CORPUS, files);
  const labelled = new Set<string>(LABELLED_KINDS);
  const found = new Set(scan.findings.filter((f) => labelled.has(f.kind)).map((f) => `${f.file}:${f.line}:${f.kind}`));
  const scores = score(labels, found);
  return { scores, below: belowGoals(scores) };
}

function table(rows: readonly Row[]): string {
  const head = '| file set | tool | files | runs | median ms | min | max | note |\n|---|---|---:|---:|---:|---:|---:|---|';
  return [head, ...rows.map((r) => `| ${r.corpus} | ${r.tool} | ${r.files} | ${r.runs} | ${r.median} | ${r.min} | ${r.max} | ${r.note} |`)].join('\n');
}

function verdicts(rows: readonly Row[]): string[] {
  const out: string[] = [];
  for (const corpus of new Set(rows.map((r) => r.corpus))) {
    const ag = rows.find((r) => r.corpus === corpus && r.tool.includes('(fresh process)') && r.tool.startsWith('@ast-grep'));
    for (const [label, prefix] of [['orch scan --no-cache', 'orch scan --json --no-cache'], ['orch scan (cache filled)', 'orch scan --json (fresh process, its cache']] as const) {
      const orch = rows.find((r) => r.corpus === corpus && r.tool.startsWith(prefix));
      if (orch && ag) out.push(`${corpus}: ${label} fresh-process median ${orch.median} ms vs ast-grep ${ag.median} ms (${(orch.median / ag.median).toFixed(2)}x): ${orch.median <= ag.median ? 'goal met' : 'goal NOT met'}`);
    }
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, files: { type: 'string', default: '2000' }, repo: { type: 'string', multiple: true, default: [] }, 'registry-set': { type: 'boolean', default: false }, 'quality-only': { type: 'boolean', default: false } } });
  const runs = Math.max(5, Number(values.runs));
  const q = await quality();
  process.stdout.write(`### Quality on fixtures/llm-corpus\n\n| kind | labelled | found | true positives | recall | precision |\n|---|---:|---:|---:|---:|---:|\n${q.scores.map((s) => `| ${s.kind} | ${s.expected} | ${s.found} | ${s.truePositives} | ${s.recall.toFixed(3)} | ${s.precision.toFixed(3)} |`).join('\n')}\n\n`);
  for (const s of q.scores) for (const m of [...s.missed.map((x) => `missed ${x}`), ...s.extra.map((x) => `extra ${x}`)]) process.stdout.write(`- ${m}\n`);
  process.stdout.write(q.below.length === 0 ? 'Quality goals met (sdk-call P>=0.9 R>=0.95, sdk-import P>=0.95, llm-fetch R>=0.9).\n\n' : `Quality goals NOT met: ${q.below.join('; ')}\n\n`);
  if (q.below.length > 0) process.exitCode = 1;
  if (values['quality-only']) return;

  const home = await ensureAstGrep();
  const work = mkdtempSync(join(tmpdir(), 'bench-scan-'));
  try {
    const generated = join(work, 'generated');
    const corpus = generateCorpus(generated, Number(values.files));
    const rows = [
      ...(await benchSet('fixtures/llm-corpus', CORPUS, runs, home, work)),
      ...(await benchSet(`generated (${corpus.files} files)`, generated, runs, home, work)),
    ];
    if (values['registry-set']) {
      const set = await ensureRegistrySet();
      rows.push(...(await benchSet(`registry TS sources (${listRepoFiles(set, { extensions: DEFAULT_EXTENSIONS }).length} files)`, set, runs, home, work)));
    }
    for (const repo of values.repo ?? []) rows.push(...(await benchSet(repo, resolve(repo), runs, home, work)));
    process.stdout.write(`${JSON.stringify({ node: process.version, runs, quality: q.scores.map(({ missed: _m, extra: _e, ...s }) => s), rows }, null, 2)}\n\n### Speed (medians of ${runs} interleaved rounds after one warm-up round)\n\n${table(rows)}\n\n${verdicts(rows).map((v) => `- ${v}`).join('\n')}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
