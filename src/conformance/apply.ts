// `--write`: apply the repairs of a drift report. Block bodies are spliced into the original doc
// text at the mdast offsets, so every byte outside the blocks stays as it was; a missing block is
// appended to its doc; a companion file (.env.example) is rewritten whole.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Repair } from './engine.ts';
import { appendBlock, insertBlock, rewriteBlocks, type BlockRewrite } from './markdown/splice.ts';

/** Write every repair; returns the files written, relative to the root. */
export function applyRepairs(root: string, repairs: readonly Repair[]): string[] {
  const byFile = new Map<string, Repair[]>();
  for (const r of repairs) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
  const written: string[] = [];
  for (const [file, list] of byFile) {
    const path = join(root, file);
    const original = existsSync(path) ? readFileSync(path, 'utf8') : '';
    const whole = list.find((r) => r.kind === 'file');
    const text = repairedText(whole?.kind === 'file' ? whole.text : original, list);
    if (text !== original) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      written.push(file);
    }
  }
  return written.sort();
}

/** One document's text after its block repairs (rewrites, re-inserted and appended blocks). */
export function repairedText(original: string, list: readonly Repair[]): string {
  {
    const rewrites: BlockRewrite[] = list.flatMap((r) => (r.kind === 'block' ? [{ block: r.block, body: r.body, lang: r.lang }] : []));
    let text = rewriteBlocks(original, rewrites);
    // Inserts go from the last offset to the first, so earlier offsets stay valid.
    for (const r of [...list].sort((a, b) => (b.kind === 'insert' ? b.at : -1) - (a.kind === 'insert' ? a.at : -1))) {
      if (r.kind === 'insert') text = insertBlock(text, r.at, r.name, r.lang, r.body);
    }
    for (const r of list) if (r.kind === 'append') text = appendBlock(text, r.name, r.lang, r.body);
    return text;
  }
}
