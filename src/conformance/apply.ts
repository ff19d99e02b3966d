// `--write`: apply the repairs of a drift report. Block bodies are spliced into the original doc
// text at the mdast offsets, so every byte outside the blocks stays as it was; a missing block is
// appended to its doc; a companion file (.env.example) is rewritten whole.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Repair } from './engine.ts';
import { appendBlock, rewriteBlocks, type BlockRewrite } from './markdown/splice.ts';

/** Write every repair; returns the files written, relative to the root. */
export function applyRepairs(root: string, repairs: readonly Repair[]): string[] {
  const byFile = new Map<string, Repair[]>();
  for (const r of repairs) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
  const written: string[] = [];
  for (const [file, list] of byFile) {
    const path = join(root, file);
    const original = existsSync(path) ? readFileSync(path, 'utf8') : '';
    const whole = list.find((r) => r.kind === 'file');
    let text = whole?.kind === 'file' ? whole.text : original;
    const rewrites: BlockRewrite[] = list.flatMap((r) => (r.kind === 'block' ? [{ block: r.block, body: r.body, lang: r.lang }] : []));
    text = rewriteBlocks(text, rewrites);
    for (const r of list) if (r.kind === 'append') text = appendBlock(text, r.name, r.lang, r.body);
    if (text !== original) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      written.push(file);
    }
  }
  return written.sort();
}
