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
}

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
  const aliases = readPathAliases(root);
  const resolve = createModuleResolver(config.extensions, aliases);
  const abs = (f: string) => join(root, f);

  // 1. The transport: tagged functions, or the one the config names.
  const named = config.transport.symbol;
  const tag = `@${config.transport.tag}`;
  const decls = named
    ? texts.has(named.file) ? findTransportDecls(tree(named.file, true), named.file, config.transport.tag, named.name) : []
    : files.filter((f) => text(f).includes(tag)).flatMap((f) => findTransportDecls(tree(f, true), f, config.transport.tag));
  for (const extra of decls.slice(1)) {
    const first = decls[0] as TransportDecl;
    problems.push(diagnostic(extra.file, extra.line, 1, 'transport-multiple', `${extra.name} is marked as the LLM transport, but ${first.file}#${first.name} already is: there is one transport`));
  }
  const transport = decls[0] ?? null;

  // 2. Every module that exports it, and under which names, to a fixpoint.
  const exporters = new Map<string, Set<string>>();
  if (transport) exporters.set(abs(transport.file), ownExports(tree(transport.file), transport.name));
  for (let changed = transport !== null; changed; ) {
    changed = false;
    const tokens = transportTokens(exporters);
    for (const f of files) {
      if (f === transport?.file || !mayMatter(text(f), tokens)) continue;
      const known = exporters.get(abs(f)) ?? new Set<string>();
      const before = known.size;
      for (const n of reExports(tree(f), abs(f), exporters, resolve)) known.add(n);
      if (known.size > before) {
        exporters.set(abs(f), known);
        changed = true;
      }
    }
  }

  // 3. Every file that may matter, analysed on its syntax tree.
  const tokens = prefilterTokens({ ...config.llm, transportTokens: transportTokens(exporters), transportTag: config.transport.tag });
  const selected = options.prefilter === false ? files : files.filter((f) => trees.has(f) || mayMatter(text(f), tokens));
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
  let output: AnalyzeOutput = analyzeFiles(job, source);
  let parsed = new Set(selected);

  // 4. Files that import an SDK client another module makes (`import { openai } from '@/lib/ai'`):
  //    analysed again knowing what those modules export.
  if (output.handles.size > 0) {
    propagateReExports(files, text, tree, abs, resolve, output.handles);
    const tokens = handleTokens(output.handles);
    const again = files.filter((f) => mayMatter(text(f), tokens));
    const second = analyzeFiles({ ...job, files: again, handles: output.handles, collectExports: false }, source);
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

/** Barrels: `export { openai } from './openai'` and `export * from './x'` pass handles on, to a fixpoint. */
function propagateReExports(
  files: readonly string[],
  text: (f: string) => string,
  tree: (f: string) => ts.SourceFile,
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
      for (const stmt of tree(f).statements) {
        if (!tsApi.isExportDeclaration(stmt) || stmt.isTypeOnly || !stmt.moduleSpecifier || !tsApi.isStringLiteral(stmt.moduleSpecifier)) continue;
        const target = resolve(abs(f), stmt.moduleSpecifier.text);
        const theirs = target === null ? undefined : handles.get(target);
        if (!theirs) continue;
        const clause = stmt.exportClause;
        if (!clause) {
          for (const [n, t] of theirs) if (n !== 'default' && !mine.has(n)) mine.set(n, t);
        } else if (tsApi.isNamedExports(clause)) {
          for (const el of clause.elements) {
            const t = theirs.get((el.propertyName ?? el.name).text);
            if (t && !mine.has(el.name.text)) mine.set(el.name.text, t);
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
