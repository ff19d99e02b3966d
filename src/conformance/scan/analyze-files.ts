// Phase 3 of the scan for a list of files: analyse each on its syntax tree and apply its inline
// waivers. The job is plain data (what the first phases found), so this part can be tested and
// timed on its own.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ts } from 'ts-morph';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { analyzeFile, FINDING_KINDS, type RawFinding } from './analyze.ts';
import { decodeTarget, encodeTarget, targetsAnswer, type Asked, type ScanCache } from './cache.ts';
import type { Target } from './callee.ts';
import { rulesFor } from './rules/sdks.ts';
import { parseFile } from './parse.ts';
import { createModuleResolver, matchesSdk, type PathAlias } from './resolve-module.ts';
import type { TransportDecl } from './transport.ts';
import { collectWaivers, covers, type Waiver } from './waivers.ts';

export interface AnalyzeJob {
  readonly root: string;
  /** Relative paths, in scan order. */
  readonly files: readonly string[];
  readonly sdks: readonly string[];
  readonly agentClis: readonly string[];
  readonly hosts: readonly string[];
  readonly extensions: readonly string[];
  readonly transport: TransportDecl | null;
  /** Absolute module path -> names it exports the transport under (dotted for namespaces). */
  readonly exporters: ReadonlyArray<readonly [string, readonly string[]]>;
  /** tsconfig `paths` aliases, absolute. */
  readonly aliases?: readonly PathAlias[];
  /** SDK handles other modules export: absolute module path -> name -> candidates. */
  readonly handles?: ReadonlyMap<string, ReadonlyMap<string, readonly Target[]>>;
  /** Collect what each file exports that is an SDK handle. */
  readonly collectExports?: boolean;
}

/** A finding with its file; the key is assigned once all files are in (scan.ts). */
export interface FileFinding extends RawFinding {
  readonly file: string;
  readonly waiver?: string;
}

export interface AnalyzeOutput {
  readonly findings: FileFinding[];
  readonly problems: Diagnostic[];
  /** Absolute module path -> exported name -> SDK handle candidates (with collectExports). */
  readonly handles: Map<string, Map<string, Target[]>>;
}

interface FileOutput {
  readonly findings: FileFinding[];
  readonly problems: Diagnostic[];
  readonly exports: Map<string, Target[]>;
}

export function analyzeFiles(
  job: AnalyzeJob,
  source: { text(file: string): string; tree?(file: string): ts.SourceFile | undefined } = { text: (f) => readFileSync(join(job.root, f), 'utf8') },
  cache?: ScanCache,
): AnalyzeOutput {
  const resolve = createModuleResolver(job.extensions, job.aliases ?? []);
  const exporters = new Map(job.exporters.map(([abs, names]) => [abs, new Set(names)]));
  const exportedNames = new Set(job.exporters.flatMap(([, names]) => names));
  const handleNames = new Set([...(job.handles?.values() ?? [])].flatMap((m) => [...m.keys()]));
  const sdkCache = new Map<string, boolean>();
  const isSdk = (m: string) => {
    let hit = sdkCache.get(m);
    if (hit === undefined) sdkCache.set(m, (hit = matchesSdk(m, job.sdks) !== null));
    return hit;
  };
  const findings: FileFinding[] = [];
  const problems: Diagnostic[] = [];
  const handles = new Map<string, Map<string, Target[]>>();
  const rulesOf = (m: string) => rulesFor(m);
  for (const f of job.files) {
    const abs = join(job.root, f);
    const localTransport = job.transport?.file === f ? job.transport.name : null;
    // The only ways the analysis of one file reaches other files: each answer is recorded with --cache.
    // A name no module exports needs no module resolution (file-system lookups): the answer is no.
    const isTransport = (module: string, path: readonly string[]) => {
      const key = (path[0] === '*' ? path.slice(1) : path).join('.');
      if (!exportedNames.has(key)) return false;
      const target = resolve(abs, module);
      const names = target === null ? undefined : exporters.get(target);
      return names !== undefined && names.has(key);
    };
    const imported = (module: string, name: string): readonly Target[] => {
      if (!job.handles || !handleNames.has(name)) return [];
      const target = resolve(abs, module);
      return (target === null ? undefined : job.handles.get(target)?.get(name)) ?? [];
    };
    const run = (asked?: Asked): FileOutput => {
      const sf = source.tree?.(f) ?? parseFile(f, source.text(f));
      const { findings: raw, exports } = analyzeFile(sf, {
        rulesOf,
        collectExports: job.collectExports ?? false,
        imported: (module, name) => {
          const targets = imported(module, name);
          asked?.ask(JSON.stringify(['imported', module, name]), targetsAnswer(targets));
          return targets;
        },
        sdks: job.sdks,
        agentClis: job.agentClis,
        hosts: job.hosts,
        isSdk,
        localTransport,
        isTransport: (module, path) => {
          const yes = isTransport(module, path);
          asked?.ask(JSON.stringify(['transport', module, path]), String(yes));
          return yes;
        },
      });
      const own: Diagnostic[] = [];
      return { findings: applyWaivers(f, raw, collectWaivers(sf), own), problems: own, exports };
    };
    const answer = (question: string): string => {
      const [what, module, arg] = JSON.parse(question) as [string, string, unknown];
      if (what === 'imported' && typeof arg === 'string') return targetsAnswer(imported(module, arg));
      if (what === 'transport' && Array.isArray(arg)) return String(isTransport(module, arg as string[]));
      return '\u0000unknown question';
    };
    const step = `analysis/${job.collectExports ? 'exports' : '-'}/${job.handles ? 'handles' : '-'}/${localTransport ?? ''}`;
    const out = cache ? cache.get(f, source.text(f), step, FILE_OUTPUT, answer, run) : run();
    if (out.exports.size > 0) handles.set(abs, out.exports);
    findings.push(...out.findings);
    problems.push(...out.problems);
  }
  return { findings, problems, handles };
}

const KINDS: ReadonlySet<string> = new Set(FINDING_KINDS);
const isNum = (x: unknown) => typeof x === 'number' && Number.isInteger(x);
const isStr = (x: unknown) => typeof x === 'string';
const isStrOrNull = (x: unknown) => x === null || typeof x === 'string';
const optStrings = (x: unknown) => x === undefined || (Array.isArray(x) && x.every(isStr));

function isFileFinding(x: unknown): x is FileFinding {
  const f = x as Record<string, unknown>;
  return (
    typeof f === 'object' && f !== null && KINDS.has(f.kind as string) && isNum(f.line) && isNum(f.column) && isNum(f.statementLine) && isStr(f.symbol) && isStr(f.detail) &&
    isStrOrNull(f.sdk) && isStr(f.callee) && isStr(f.file) && (f.waiver === undefined || isStr(f.waiver)) && optStrings(f.literals) && optStrings(f.roleLiterals)
  );
}

function isDiagnostic(x: unknown): x is Diagnostic {
  const d = x as Record<string, unknown>;
  return typeof d === 'object' && d !== null && isStr(d.file) && isNum(d.line) && isNum(d.column) && isStr(d.ruleId) && isStr(d.message);
}

/** A file's analysis as JSON data and back (cache.ts); anything that does not fit is a miss. */
const FILE_OUTPUT = {
  encode: (o: FileOutput): unknown => ({ findings: o.findings, problems: o.problems, exports: [...o.exports].map(([name, targets]) => [name, targets.map(encodeTarget)]) }),
  decode: (data: unknown): FileOutput | undefined => {
    const d = data as { findings?: unknown; problems?: unknown; exports?: unknown };
    if (!Array.isArray(d?.findings) || !d.findings.every(isFileFinding) || !Array.isArray(d.problems) || !d.problems.every(isDiagnostic) || !Array.isArray(d.exports)) return undefined;
    const exports = new Map<string, Target[]>();
    for (const e of d.exports as unknown[]) {
      if (!Array.isArray(e) || typeof e[0] !== 'string' || !Array.isArray(e[1])) return undefined;
      exports.set(e[0], (e[1] as unknown[]).map(decodeTarget));
    }
    return { findings: d.findings, problems: d.problems, exports };
  },
};

function applyWaivers(file: string, raw: readonly RawFinding[], waivers: readonly Waiver[], problems: Diagnostic[]): FileFinding[] {
  const used = new Set<number>();
  const out = raw.map((f): FileFinding => {
    if (f.kind !== 'unresolved-spawn' && f.kind !== 'unresolved-fetch') return { ...f, file };
    const i = waivers.findIndex((w) => covers(w, f.line, f.statementLine));
    const w = waivers[i];
    if (!w) return { ...f, file };
    used.add(i);
    return w.reason === null ? { ...f, file } : { ...f, file, waiver: w.reason };
  });
  waivers.forEach((w, i) => {
    if (w.reason === null) {
      problems.push(diagnostic(file, w.line, w.column, 'waiver-without-reason', `orch-inventory-ignore needs a reason: write "// orch-inventory-ignore: <why this call cannot reach an LLM>"`));
    } else if (!used.has(i)) {
      problems.push(diagnostic(file, w.line, w.column, 'waiver-unused', `orch-inventory-ignore ("${w.reason}") covers no unresolved spawn or fetch on this line or the next; remove it (waivers never silence an SDK, an agent CLI or an LLM host)`));
    }
  });
  return out;
}
