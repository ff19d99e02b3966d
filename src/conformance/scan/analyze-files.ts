// Phase 3 of the scan for a list of files: analyse each on its syntax tree and apply its inline
// waivers. The job is plain data (what the first phases found), so this part can be tested and
// timed on its own.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ts } from 'ts-morph';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { analyzeFile, type RawFinding } from './analyze.ts';
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

export function analyzeFiles(job: AnalyzeJob, source: { text(file: string): string; tree?(file: string): ts.SourceFile | undefined } = { text: (f) => readFileSync(join(job.root, f), 'utf8') }): AnalyzeOutput {
  const resolve = createModuleResolver(job.extensions, job.aliases ?? []);
  const exporters = new Map(job.exporters.map(([abs, names]) => [abs, new Set(names)]));
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
    const sf = source.tree?.(f) ?? parseFile(f, source.text(f));
    const abs = join(job.root, f);
    const { findings: raw, exports } = analyzeFile(sf, {
      rulesOf,
      collectExports: job.collectExports ?? false,
      imported: (module, name) => {
        if (!job.handles) return [];
        const target = resolve(abs, module);
        return (target === null ? undefined : job.handles.get(target)?.get(name)) ?? [];
      },
      sdks: job.sdks,
      agentClis: job.agentClis,
      hosts: job.hosts,
      isSdk,
      localTransport: job.transport?.file === f ? job.transport.name : null,
      isTransport: (module, path) => {
        const target = resolve(abs, module);
        const names = target === null ? undefined : exporters.get(target);
        const key = (path[0] === '*' ? path.slice(1) : path).join('.');
        return names !== undefined && names.has(key);
      },
    });
    if (exports.size > 0) handles.set(abs, exports);
    findings.push(...applyWaivers(f, raw, collectWaivers(sf), problems));
  }
  return { findings, problems, handles };
}

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
