// The LLM call-site scan of a repo (SPEC §10): list the files, find the transport and every name
// it is exported under, prefilter the files by token, analyse the rest on their syntax trees,
// and give every finding a key without line numbers.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ts } from 'ts-morph';
import { ts as tsApi } from './ts.ts';
import type { Target } from './callee.ts';
import type { ResolvedHarnessConfig } from '../config/load.ts';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { plain, type ScanCache } from './cache.ts';
import { analyzeFiles, type AnalyzeJob, type AnalyzeOutput, type FileFinding } from './analyze-files.ts';
import type { FindingKind } from './analyze.ts';
import { listRepoFiles } from './gitignore.ts';
import { parseFile } from './parse.ts';
import { mayMatter, prefilterTokens } from './prefilter.ts';
import { createModuleResolver, readPathAliases } from './resolve-module.ts';
import { findTransportDecls, ownExports, reExports, transportTokens, type TransportDecl } from './transport.ts';

export interface Finding extends FileFinding {
  /** `file#symbol:kind:ordinal`: stable under edits elsewhere in the file. */
  readonly key: string;
}

export interface ScanResult {
  readonly filesScanned: number;
  readonly filesParsed: number;
  readonly transport: TransportDecl | null;
  readonly findings: readonly Finding[];
  /** Problems of the scan itself: several transports, reasonless or unused waivers, no files. */
  readonly problems: readonly Diagnostic[];
}

export interface ScanOptions {
  /** Skip files without a relevant token before parsing. Off only to measure what it saves. @default true */
  readonly prefilter?: boolean;
  /** The files to scan (relative paths), when the caller listed them (`orch scan` honours .gitignore). */
  readonly files?: readonly string[];
  /** Reuse what unchanged files gave in an earlier run (`orch scan --cache`); the caller saves it. */
  readonly cache?: ScanCache;
}

/** What a scan's cache is bound to besides the scanner's build: a change here empties it. */
export function cacheSettings(config: ResolvedHarnessConfig): unknown {
  return { root: config.root, extensions: config.extensions, transport: config.transport, llm: config.llm };
}

const isStrings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');
const isDecls = (x: unknown): boolean =>
  Array.isArray(x) && x.every((d) => typeof d === 'object' && d !== null && typeof d.file === 'string' && typeof d.name === 'string' && Number.isInteger(d.line));
const isExportFroms = (x: unknown): boolean =>
  Array.isArray(x) && x.every((e) => Array.isArray(e) && typeof e[0] === 'string' && (e[1] === null || (Array.isArray(e[1]) && e[1].every((p: unknown) => Array.isArray(p) && isStrings(p) && p.length === 2))));

/** `export ... from 'm'` of a file: the module, and [imported, exported] names (null for `export *`). */
type ExportFrom = readonly [string, ReadonlyArray<readonly [string, string]> | null];

export function scanRepo(config: ResolvedHarnessConfig, options: ScanOptions = {}): ScanResult {
  const root = config.root;
  const files = options.files ? [...options.files] : listRepoFiles(root, { extensions: config.extensions, sources: config.sources, ignore: config.ignore });
  const problems: Diagnostic[] = [];
  if (files.length === 0) {
    problems.push(diagnostic('orch.conformance.json', 1, 1, 'no-files-scanned', `no source file found under ${config.sources.join(', ')} with extensions ${config.extensions.join(' ')}`));
  }
  const texts = new Map(files.map((f) => [f, readFileSync(join(root, f), 'utf8')]));
  const text = (f: string) => texts.get(f) as string;
  const trees = new Map<string, ts.SourceFile>();
  const tree = (f: string, withJsDoc = false) => {
    let sf = trees.get(f);
    if (!sf) trees.set(f, (sf = parseFile(f, text(f), withJsDoc)));
    return sf;
  };
  const cache = options.cache;
  /** Files a step before the analysis looked into: they are analysed whatever their tokens. */
  const looked = new Set<string>();
  /** A step of one file that depends on its bytes alone: from the cache when it has it. */
  const pure = <T>(f: string, step: string, check: (x: unknown) => boolean, compute: () => T): T => {
    looked.add(f);
    return cache ? cache.get(f, text(f), step, plain<T>(check), () => '\u0000', compute) : compute();
  };
  const aliases = readPathAliases(root);
  const resolve = createModuleResolver(config.extensions, aliases);
  const abs = (f: string) => join(root, f);

  // 1. The transport: tagged functions, or the one the config names.
  const named = config.transport.symbol;
  const tag = `@${config.transport.tag}`;
  const declsOf = (f: string, only?: string) =>
    pure(f, `transport-decls/${config.transport.tag}/${only ?? ''}`, isDecls, () => findTransportDecls(tree(f, true), f, config.transport.tag, only));
  const decls = named ? (texts.has(named.file) ? declsOf(named.file, named.name) : []) : files.filter((f) => text(f).includes(tag)).flatMap((f) => declsOf(f));
  for (const extra of decls.slice(1)) {
    const first = decls[0] as TransportDecl;
    problems.push(diagnostic(extra.file, extra.line, 1, 'transport-multiple', `${extra.name} is marked as the LLM transport, but ${first.file}#${first.name} already is: there is one transport`));
  }
  const transport = decls[0] ?? null;

  // 2. Every module that exports it, and under which names, to a fixpoint.
  const exporters = new Map<string, Set<string>>();
  if (transport) exporters.set(abs(transport.file), new Set(pure(transport.file, `own-exports/${transport.name}`, isStrings, () => [...ownExports(tree(transport.file), transport.name)])));
  for (let changed = transport !== null; changed; ) {
    changed = false;
    const tokens = transportTokens(exporters);
    for (const f of files) {
      if (f === transport?.file || !mayMatter(text(f), tokens)) continue;
      looked.add(f);
      const lookup = (spec: string) => {
        const target = resolve(abs(f), spec);
        return target === null ? undefined : exporters.get(target);
      };
      const answer = (spec: string) => {
        const names = lookup(spec);
        return JSON.stringify(names ? [...names].sort() : null);
      };
      const names = cache
        ? cache.get(f, text(f), 're-exports', plain<string[]>(isStrings), answer, (asked) =>
            [...reExports(tree(f), (spec) => {
              asked.ask(spec, answer(spec));
              return lookup(spec);
            })])
        : reExports(tree(f), lookup);
      const known = exporters.get(abs(f)) ?? new Set<string>();
      const before = known.size;
      for (const n of names) known.add(n);
      if (known.size > before) {
        exporters.set(abs(f), known);
        changed = true;
      }
    }
  }

  // 3. Every file that may matter, analysed on its syntax tree.
  const tokens = prefilterTokens({ ...config.llm, transportTokens: transportTokens(exporters), transportTag: config.transport.tag });
  const selected = options.prefilter === false ? files : files.filter((f) => looked.has(f) || mayMatter(text(f), tokens));
  const job: AnalyzeJob = {
    root,
    files: selected,
    ...config.llm,
    extensions: config.extensions,
    transport,
    exporters: [...exporters].map(([a, names]) => [a, [...names]] as const),
    aliases,
    collectExports: true,
  };
  const source = { text, tree: (f: string) => trees.get(f) };
  let output: AnalyzeOutput = analyzeFiles(job, source, cache);
  let parsed = new Set(selected);

  // 4. Files that import an SDK client another module makes (`import { openai } from '@/lib/ai'`):
  //    analysed again knowing what those modules export.
  if (output.handles.size > 0) {
    const exportFroms = (f: string): readonly ExportFrom[] => pure(f, 'export-from', isExportFroms, () => exportFromsOf(tree(f)));
    propagateReExports(files, text, exportFroms, abs, resolve, output.handles);
    const tokens = handleTokens(output.handles);
    const again = files.filter((f) => mayMatter(text(f), tokens));
    const second = analyzeFiles({ ...job, files: again, handles: output.handles, collectExports: false }, source, cache);
    const redone = new Set(again);
    output = {
      findings: [...output.findings.filter((f) => !redone.has(f.file)), ...second.findings].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column)),
      problems: [...output.problems.filter((p) => !redone.has(p.file)), ...second.problems],
      handles: output.handles,
    };
    parsed = new Set([...parsed, ...again]);
  }
  return { filesScanned: files.length, filesParsed: parsed.size, transport, findings: withKeys(output.findings), problems: [...problems, ...output.problems] };
}

/** The value `export ... from` declarations of a file (type-only ones carry no client). */
function exportFromsOf(sf: ts.SourceFile): ExportFrom[] {
  const out: ExportFrom[] = [];
  for (const stmt of sf.statements) {
    if (!tsApi.isExportDeclaration(stmt) || stmt.isTypeOnly || !stmt.moduleSpecifier || !tsApi.isStringLiteral(stmt.moduleSpecifier)) continue;
    const clause = stmt.exportClause;
    if (!clause) out.push([stmt.moduleSpecifier.text, null]);
    else if (tsApi.isNamedExports(clause)) out.push([stmt.moduleSpecifier.text, clause.elements.map((el) => [(el.propertyName ?? el.name).text, el.name.text] as const)]);
  }
  return out;
}

/** Barrels: `export { openai } from './openai'` and `export * from './x'` pass handles on, to a fixpoint. */
function propagateReExports(
  files: readonly string[],
  text: (f: string) => string,
  exportFroms: (f: string) => readonly ExportFrom[],
  abs: (f: string) => string,
  resolve: (from: string, spec: string) => string | null,
  handles: Map<string, Map<string, Target[]>>,
): void {
  for (let round = 0; round < 4; round++) {
    let changed = false;
    const tokens = handleTokens(handles);
    for (const f of files) {
      if (!/\bexport\b[^;]*\bfrom\b/.test(text(f)) || !mayMatter(text(f), tokens)) continue;
      const mine = handles.get(abs(f)) ?? new Map<string, Target[]>();
      const before = mine.size;
      for (const [spec, names] of exportFroms(f)) {
        const target = resolve(abs(f), spec);
        const theirs = target === null ? undefined : handles.get(target);
        if (!theirs) continue;
        if (names === null) {
          for (const [n, t] of theirs) if (n !== 'default' && !mine.has(n)) mine.set(n, t);
        } else {
          for (const [imported, exported] of names) {
            const t = theirs.get(imported);
            if (t && !mine.has(exported)) mine.set(exported, t);
          }
        }
      }
      if (mine.size > before) {
        handles.set(abs(f), mine);
        changed = true;
      }
    }
    if (!changed) return;
  }
}

/** Names a file importing an exported SDK handle must contain: the names, and the modules' base names. */
function handleTokens(handles: ReadonlyMap<string, ReadonlyMap<string, unknown>>): string[] {
  const tokens = new Set<string>();
  for (const [abs, names] of handles) {
    tokens.add(basename(abs).replace(/\.[cm]?[jt]sx?$/, ''));
    for (const n of names.keys()) if (n !== 'default') tokens.add(n);
  }
  return [...tokens].filter((t) => t !== 'index');
}

function withKeys(findings: readonly FileFinding[]): Finding[] {
  const counts = new Map<string, number>();
  return findings.map((f) => {
    const base = `${f.file}#${f.symbol}:${f.kind}`;
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    return { ...f, key: `${base}:${n}` };
  });
}

export type { FindingKind };
