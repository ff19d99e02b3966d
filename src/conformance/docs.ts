// Reading the docs folder: every Markdown file, and the orch: blocks in it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { extractBlocks, type DocBlock } from './markdown/blocks.ts';

export interface DocsIndex {
  /** Doc text by path relative to the root. */
  readonly texts: ReadonlyMap<string, string>;
  readonly blocks: readonly DocBlock[];
  /** A doc's Markdown tree, parsed on first use and then shared by every check of this run. */
  tree(file: string): Root;
}

/** Read the docs; `overrides` (path relative to the root -> text) stand in for files on disk (an editor's buffer). */
export function readDocs(root: string, docsDir: string, overrides?: ReadonlyMap<string, string>): DocsIndex {
  const texts = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, entry.name);
      if (entry.isDirectory()) walk(abs);
      else if (entry.isFile() && entry.name.endsWith('.md')) texts.set(relative(root, abs).split(sep).join('/'), readFileSync(abs, 'utf8'));
    }
  };
  const base = join(root, docsDir);
  if (existsSync(base)) walk(base);
  for (const [file, text] of overrides ?? []) texts.set(file, text);
  const trees = new Map<string, Root>();
  const tree = (file: string): Root => {
    let parsed = trees.get(file);
    if (parsed === undefined) {
      parsed = fromMarkdown(texts.get(file) ?? '');
      trees.set(file, parsed);
    }
    return parsed;
  };
  const blocks = [...texts.entries()].sort(([a], [b]) => a.localeCompare(b)).flatMap(([file, text]) => extractBlocks(text, file, () => tree(file)));
  return { texts, blocks, tree };
}
