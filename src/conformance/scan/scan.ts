// The LLM call-site scan of a repo (SPEC §10): list the files, prefilter them by token, find the
// transport and the names it is exported under, analyse each remaining file on its syntax tree,
// apply inline waivers, and give every finding a key without line numbers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ts } from 'ts-morph';
import type { ResolvedHarnessConfig } from '../config/load.ts';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { analyzeFile, type FindingKind, type RawFinding } from './analyze.ts';
import { listSourceFiles } from './files.ts';
import { mayMatter, prefilterTokens } from './prefilter.ts';
import { PROCESS_MODULES } from './process-modules.ts';
import { createModuleResolver } from './resolve-module.ts';
import { findTransportDecls, ownExports, reExports, transportTokens, type TransportDecl } from './transport.ts';
import { collectWaivers, covers } from './waivers.ts';

export interface Finding extends RawFinding {
  readonly file: string;
  /** `file#symbol:kind:ordinal`: stable under edits elsewhere in the file. */
  readonly key: string;
  /** The inline waiver's reason, for unresolved findings that carry one. */
  readonly waiver?: string;
}

export interface ScanResult {
  readonly filesScanned: number;
  readonly filesParsed: number;
  readonly transport: TransportDecl | null;
  readonly findings: readonly Finding[];
  /** Problems of the scan itself: several transports, reasonless or unused waivers, no files. */
  readonly problems: readonly Diagnostic[];
}

const KIND_BY_EXT: Record<string, ts.ScriptKind> = { '.tsx': ts.ScriptKind.TSX, '.jsx': ts.ScriptKind.JSX, '.js': ts.ScriptKind.JS, '.mjs': ts.ScriptKind.JS, '.cjs': ts.ScriptKind.JS };

function parse(file: string, text: string, parents: boolean): ts.SourceFile {
  const ext = file.slice(file.lastIndexOf('.'));
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, parents, KIND_BY_EXT[ext] ?? ts.ScriptKind.TS);
}

export function scanRepo(config: ResolvedHarnessConfig): ScanResult {
  const root = config.root;
  const files = listSourceFiles(root, config);
  const problems: Diagnostic[] = [];
  if (files.length === 0) {
    problems.push(diagnostic('orch.conformance.json', 1, 1, 'no-files-scanned', `no source file found under ${config.sources.join(', ')} with extensions ${config.extensions.join(' ')}`));
  }
  const texts = new Map(files.map((f) => [f, readFileSync(join(root, f), 'utf8')]));
  const trees = new Map<string, ts.SourceFile>();
  const tree = (f: string, parents = false) => {
    let sf = trees.get(f);
    if (!sf) trees.set(f, (sf = parse(f, texts.get(f) as string, parents)));
    return sf;
  };
  const resolve = createModuleResolver(config.extensions);
  const abs = (f: string) => join(root, f);

  // 1. The transport: tagged functions, or the one the config names.
  const named = config.transport.symbol;
  const tag = `@${config.transport.tag}`;
  const decls = named
    ? texts.has(named.file) ? findTransportDecls(tree(named.file, true), named.file, config.transport.tag, named.name) : []
    : files.filter((f) => (texts.get(f) as string).includes(tag)).flatMap((f) => findTransportDecls(tree(f, true), f, config.transport.tag));
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
      if (f === transport?.file || !mayMatter(texts.get(f) as string, tokens)) continue;
      const names = reExports(tree(f), abs(f), exporters, resolve);
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
  tokens.push(...Object.keys(PROCESS_MODULES));
  const findings: Finding[] = [];
  for (const f of files) {
    if (!mayMatter(texts.get(f) as string, tokens)) continue;
    const sf = tree(f);
    const raw = analyzeFile(sf, {
      ...config.llm,
      localTransport: transport && transport.file === f ? transport.name : null,
      isTransport: (module, path) => {
        const target = resolve(abs(f), module);
        const names = target === null ? undefined : exporters.get(target);
        const key = (path[0] === '*' ? path.slice(1) : path).join('.');
        return names !== undefined && names.has(key);
      },
    });
    findings.push(...applyWaivers(f, raw, collectWaivers(sf), problems));
  }
  return { filesScanned: files.length, filesParsed: trees.size, transport, findings: withKeys(findings), problems };
}

function applyWaivers(file: string, raw: readonly RawFinding[], waivers: ReturnType<typeof collectWaivers>, problems: Diagnostic[]): Finding[] {
  const used = new Set<number>();
  const out = raw.map((f) => {
    if (f.kind !== 'unresolved-spawn' && f.kind !== 'unresolved-fetch') return { ...f, file, key: '' };
    const i = waivers.findIndex((w) => covers(w, f.line, f.statementLine));
    const w = waivers[i];
    if (!w) return { ...f, file, key: '' };
    used.add(i);
    return w.reason === null ? { ...f, file, key: '' } : { ...f, file, key: '', waiver: w.reason };
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

function withKeys(findings: readonly Finding[]): Finding[] {
  const counts = new Map<string, number>();
  return findings.map((f) => {
    const base = `${f.file}#${f.symbol}:${f.kind}`;
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    return { ...f, key: `${base}:${n}` };
  });
}

export type { FindingKind };
