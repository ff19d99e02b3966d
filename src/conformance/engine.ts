// The drift check of one repo: derive every enabled block from code, find its copy in the docs,
// compare both ways, and collect the code-side findings. Returns findings and repairs as data;
// writing the repairs is apply.ts's job.
import { execFileSync } from 'node:child_process';
import { HARNESS_CONFIG_FILE } from './config/defaults.ts';
import type { ResolvedHarnessConfig } from './config/load.ts';
import { BLOCK_FAMILIES } from './blocks/registry.ts';
import { checkDocPaths } from './doc-paths.ts';
import { compareBlock } from './blocks/compare.ts';
import type { BlockContext, BlockInstance } from './blocks/types.ts';
import { diagnostic, sortDiagnostics, type Diagnostic, type RuleId } from './diagnostics/diagnostic.ts';
import { readDocs } from './docs.ts';
import { errorMessage } from '../errors.ts';
import { extractBlocks, type DocBlock } from './markdown/blocks.ts';
import { renderFencedBlock } from './markdown/splice.ts';
import { createModelLoader } from './model/loader.ts';
import { qgChecksShape, rolesShape, verdictKeysShape } from './model/shapes.ts';
import { openScanCache, type CacheChoice, type ScanCacheReport } from './scan/cache.ts';
import { cacheSettings, scanRepo, type ScanResult } from './scan/scan.ts';

/** A repair `--write` can make: a block body, a missing block, or a whole companion file. */
export type Repair =
  | { readonly kind: 'block'; readonly file: string; readonly name: string; readonly lang: string; readonly body: string; readonly block: DocBlock }
  | { readonly kind: 'append'; readonly file: string; readonly name: string; readonly lang: string; readonly body: string }
  /** A deleted block put back at offset `at` of its doc (where git HEAD had it). */
  | { readonly kind: 'insert'; readonly file: string; readonly name: string; readonly lang: string; readonly body: string; readonly at: number }
  | { readonly kind: 'file'; readonly file: string; readonly text: string };

export interface DriftStats {
  readonly blocks: number;
  readonly docs: number;
  readonly filesScanned: number;
  readonly filesParsed: number;
}

export interface DriftReport {
  readonly diagnostics: readonly Diagnostic[];
  readonly repairs: readonly Repair[];
  readonly stats: DriftStats;
  /** The scan's cache, when the run used one (`orch drift`, unless --no-cache). */
  readonly scanCache?: ScanCacheReport;
}

/** How the scan's findings are reported when the llm-inventory block is not enabled. */
const STANDALONE_RULES: Partial<Record<string, RuleId>> = { 'sdk-import': 'llm-sdk-import', 'sdk-call': 'llm-sdk-call', 'agent-spawn': 'agent-cli-spawn', 'llm-fetch': 'llm-api-fetch' };

/**
 * Registries that must agree before any block is written from them: every verdict key a role or
 * a gate check names is a key of the verdict-key registry. When they disagree, the blocks derived
 * from them would be half true (a role card without verdict lines), so nothing is written.
 */
async function registryConflicts(ctx: BlockContext): Promise<Diagnostic[]> {
  const { model } = ctx;
  if (!model.has('verdictKeys') || (!model.has('roles') && !model.has('qgChecks'))) return [];
  const out: Diagnostic[] = [];
  try {
    const keys = await model.get('verdictKeys', verdictKeysShape);
    const known = Object.keys(keys);
    const where = `${model.fileOf('verdictKeys')} (${ctx.config.model.verdictKeys?.split('#')[1] ?? 'verdictKeys'})`;
    if (model.has('roles')) {
      for (const r of await model.get('roles', rolesShape)) {
        if (r.verdictKey !== null && !known.includes(r.verdictKey)) {
          out.push(diagnostic(model.fileOf('roles'), 1, 1, 'registry-conflict', `role ${r.role} names verdict key "${r.verdictKey}", which ${where} does not have (it has: ${known.join(', ')}); the registries disagree: rename the key in both. --write writes nothing until they agree`));
        }
      }
    }
    if (model.has('qgChecks')) {
      for (const [transition, checks] of Object.entries(await model.get('qgChecks', qgChecksShape))) {
        for (const c of checks) {
          const key = typeof c === 'string' ? null : (c.verdictKey ?? null);
          if (key !== null && !known.includes(key)) {
            out.push(diagnostic(model.fileOf('qgChecks'), 1, 1, 'registry-conflict', `gate check ${typeof c === 'string' ? c : c.id} of ${transition} consumes verdict key "${key}", which ${where} does not have (it has: ${known.join(', ')}); the registries disagree: rename the key in both. --write writes nothing until they agree`));
          }
        }
      }
    }
  } catch {
    // A registry that cannot be loaded is reported by the blocks that read it (block-source).
  }
  return out;
}

/**
 * Where a deleted block belongs in `text`: the offset right after the lines that preceded it in
 * git HEAD's copy of the doc, when those lines occur exactly once now. Null otherwise.
 */
function placeOf(root: string, doc: string, name: string, text: string): number | null {
  let old: string;
  try {
    old = execFileSync('git', ['-C', root, 'show', `HEAD:${doc}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
  const was = extractBlocks(old, doc).find((b) => b.name === name);
  if (!was) return null;
  const before = old.slice(0, was.fenceStart).replace(/\s+$/, '');
  const lines = before.split('\n');
  const anchor = lines.slice(-2).join('\n');
  if (anchor.trim() === '') return null;
  const first = text.indexOf(anchor);
  if (first === -1 || text.indexOf(anchor, first + 1) !== -1) return null;
  return first + anchor.length;
}

async function instancesOf(ctx: BlockContext, out: Diagnostic[]): Promise<BlockInstance[]> {
  const all: BlockInstance[] = [];
  for (const family of BLOCK_FAMILIES) {
    if (!ctx.config.blocks.has(family.name)) continue;
    try {
      all.push(...(await family.instances(ctx, ctx.config.blocks.get(family.name))));
    } catch (error) {
      out.push(diagnostic(HARNESS_CONFIG_FILE, 1, 1, 'block-source', `block family ${family.name}: ${errorMessage(error)}`));
    }
  }
  return all;
}

export interface CheckOptions {
  /** Doc texts that stand in for the files on disk (path relative to the root -> text). */
  readonly docOverrides?: ReadonlyMap<string, string>;
  /** The scan's cache (scan/cache.ts): a file, `default`, or none when undefined. */
  readonly scanCache?: CacheChoice;
}

export async function checkDrift(config: ResolvedHarnessConfig, options: CheckOptions = {}): Promise<DriftReport> {
  let scan: ScanResult | undefined;
  const ctx: BlockContext = {
    root: config.root,
    config,
    model: createModelLoader(config.root, config.model),
    scan: async () => (scan ??= scanRepo(config)),
  };
  const out: Diagnostic[] = [];
  const repairs: Repair[] = [];
  // The registries load through tsx on its own thread while this one reads the docs and scans the
  // code: every drift run needs all three, and on two cores the imports' wait is otherwise idle.
  ctx.model.prefetch();
  const docs = readDocs(config.root, config.docs, options.docOverrides);
  const opened = openScanCache(config.root, options.scanCache, cacheSettings(config));
  scan = scanRepo(config, opened.cache ? { cache: opened.cache } : {});
  const scanCache = opened.finish();
  const instances = await instancesOf(ctx, out);

  for (const inst of instances) {
    const label = `orch:${inst.name}`;
    let derived;
    try {
      derived = await inst.derive();
    } catch (error) {
      out.push(diagnostic(inst.doc, 1, 1, 'block-source', `${label}: cannot derive the block from code: ${errorMessage(error)}`));
      continue;
    }
    out.push(...(derived.findings ?? []));
    if (inst.companion) {
      const companion = await inst.companion();
      out.push(...companion.diagnostics);
      if (companion.rewrite) repairs.push({ kind: 'file', ...companion.rewrite });
    }
    const copies = docs.blocks.filter((b) => b.name === inst.name);
    const home = copies.find((b) => b.file === inst.doc) ?? copies[0];
    if (!home) {
      const text = docs.texts.get(inst.doc);
      if (text === undefined || text.trim() === '') {
        out.push(diagnostic(inst.doc, 1, 1, 'block-missing', `${label} is missing from ${inst.doc}${text === undefined ? ' (the file does not exist)' : ''}; add the block below, or run orch drift --write`));
        repairs.push({ kind: 'append', file: inst.doc, name: inst.name, lang: inst.lang, body: derived.body });
        continue;
      }
      // A deleted block goes back where it was (found in git HEAD), never at the file's end.
      const at = placeOf(config.root, inst.doc, inst.name, text);
      if (at !== null) {
        const line = text.slice(0, at).split('\n').length;
        out.push(diagnostic(inst.doc, line, 1, 'block-missing', `${label} is missing from ${inst.doc}; it was after line ${line - 1} in git HEAD: add the block below there, or run orch drift --write`));
        repairs.push({ kind: 'insert', file: inst.doc, name: inst.name, lang: inst.lang, body: derived.body, at });
      } else {
        out.push(diagnostic(inst.doc, 1, 1, 'block-missing', `${label} is missing from ${inst.doc}, and --write cannot tell where it belongs (it is not in git HEAD's copy, or the text before it changed): paste this block where it belongs, or put an empty fence there and run orch drift --write to fill it:\n${renderFencedBlock(inst.name, inst.lang, derived.body).trimEnd()}`));
      }
      continue;
    }
    for (const extra of copies.filter((b) => b !== home)) {
      out.push(diagnostic(extra.file, extra.line, 1, 'block-duplicate', `${label} appears again here; it must appear exactly once (first in ${home.file}:${home.line}); delete this copy`));
    }
    if (home.file !== inst.doc) {
      out.push(diagnostic(home.file, home.line, 1, 'block-misplaced', `${label} belongs in ${inst.doc}, not in ${home.file}; move it there`));
    }
    const found = compareBlock({ name: inst.name, block: home, derived, parsed: await inst.parse(home.body) });
    if (home.lang !== inst.lang) {
      found.push(diagnostic(home.file, home.line, 1, 'block-format', `${label}: the info string must be "${inst.lang} orch:${inst.name}", found "${home.lang} orch:${inst.name}"`));
    }
    out.push(...found);
    if (found.length > 0 || home.body !== derived.body) {
      repairs.push({ kind: 'block', file: home.file, name: inst.name, lang: inst.lang, body: derived.body, block: home });
    }
  }

  // Without the llm-inventory block the scan still runs: a repo whose config enables no block (or
  // only registry blocks) gets its LLM call-sites reported, never a silent clean.
  if (!config.blocks.has('llm-inventory')) {
    const result = await ctx.scan();
    out.push(...result.problems);
    for (const f of result.findings) {
      const rule = STANDALONE_RULES[f.kind];
      if (rule) {
        out.push(diagnostic(f.file, f.line, f.column, rule, `${f.kind} (${f.sdk ?? f.detail}: ${f.callee}): an LLM call-site; enable blocks.llm-inventory in ${HARNESS_CONFIG_FILE} (with model.roles and model.verdictKeys) to route it through one transport, or list it with orch scan --write-baseline (docs/conformance.md)`));
      }
    }
  }

  const known = new Set(instances.map((i) => i.name));
  for (const b of docs.blocks.filter((x) => !known.has(x.name))) {
    const family = BLOCK_FAMILIES.find((f) => b.name === f.name || (f.prefix !== undefined && b.name.startsWith(f.prefix)))?.name;
    const why = family && !config.blocks.has(family) ? `the block ${family} is not enabled in ${HARNESS_CONFIG_FILE}` : `no block definition has this name (known: ${[...known].sort().join(', ') || 'none'})`;
    out.push(diagnostic(b.file, b.line, 1, 'block-unknown', `orch:${b.name}: ${why}`));
  }

  // Half a truth is worse than none: with registries in conflict, no repair is offered.
  const conflicts = await registryConflicts(ctx);
  out.push(...conflicts);
  for (const [file, text] of docs.texts) out.push(...checkDocPaths(config.root, file, text, config.docPathPrefixes, docs.tree(file)));

  const s = scan as ScanResult | undefined;
  return {
    diagnostics: sortDiagnostics(out),
    repairs: conflicts.length > 0 ? [] : repairs,
    stats: { blocks: instances.length, docs: docs.texts.size, filesScanned: s?.filesScanned ?? 0, filesParsed: s?.filesParsed ?? 0 },
    ...(scanCache ? { scanCache } : {}),
  };
}
