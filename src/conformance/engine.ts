// The drift check of one repo: derive every enabled block from code, find its copy in the docs,
// compare both ways, and collect the code-side findings. Returns findings and repairs as data;
// writing the repairs is apply.ts's job.
import { HARNESS_CONFIG_FILE } from './config/defaults.ts';
import type { ResolvedHarnessConfig } from './config/load.ts';
import { BLOCK_FAMILIES } from './blocks/registry.ts';
import { checkDocPaths } from './doc-paths.ts';
import { compareBlock } from './blocks/compare.ts';
import type { BlockContext, BlockInstance } from './blocks/types.ts';
import { diagnostic, sortDiagnostics, type Diagnostic } from './diagnostics/diagnostic.ts';
import { readDocs } from './docs.ts';
import { errorMessage } from '../errors.ts';
import type { DocBlock } from './markdown/blocks.ts';
import { createModelLoader } from './model/loader.ts';
import { scanRepo, type ScanResult } from './scan/scan.ts';

/** A repair `--write` can make: a block body, a missing block, or a whole companion file. */
export type Repair =
  | { readonly kind: 'block'; readonly file: string; readonly name: string; readonly lang: string; readonly body: string; readonly block: DocBlock }
  | { readonly kind: 'append'; readonly file: string; readonly name: string; readonly lang: string; readonly body: string }
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

export async function checkDrift(config: ResolvedHarnessConfig): Promise<DriftReport> {
  let scan: ScanResult | undefined;
  const ctx: BlockContext = {
    root: config.root,
    config,
    model: createModelLoader(config.root, config.model),
    scan: async () => (scan ??= scanRepo(config)),
  };
  const out: Diagnostic[] = [];
  const repairs: Repair[] = [];
  const docs = readDocs(config.root, config.docs);
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
      out.push(diagnostic(inst.doc, 1, 1, 'block-missing', `${label} is missing from ${inst.doc}${docs.texts.has(inst.doc) ? '' : ' (the file does not exist)'}; add the block below, or run orch drift --write`));
      repairs.push({ kind: 'append', file: inst.doc, name: inst.name, lang: inst.lang, body: derived.body });
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

  const known = new Set(instances.map((i) => i.name));
  for (const b of docs.blocks.filter((x) => !known.has(x.name))) {
    const family = BLOCK_FAMILIES.find((f) => b.name === f.name || (f.prefix !== undefined && b.name.startsWith(f.prefix)))?.name;
    const why = family && !config.blocks.has(family) ? `the block ${family} is not enabled in ${HARNESS_CONFIG_FILE}` : `no block definition has this name (known: ${[...known].sort().join(', ') || 'none'})`;
    out.push(diagnostic(b.file, b.line, 1, 'block-unknown', `orch:${b.name}: ${why}`));
  }

  for (const [file, text] of docs.texts) out.push(...checkDocPaths(config.root, file, text, config.docPathPrefixes));

  const s = scan as ScanResult | undefined;
  return {
    diagnostics: sortDiagnostics(out),
    repairs,
    stats: { blocks: instances.length, docs: docs.texts.size, filesScanned: s?.filesScanned ?? 0, filesParsed: s?.filesParsed ?? 0 },
  };
}
