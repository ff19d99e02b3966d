// Docs name real paths: every repository path a doc writes in inline code or links to, under the
// prefixes the harness config lists (`docPaths.prefixes`), must exist. Read from the Markdown tree
// (mdast: inlineCode and link nodes, with their positions), never from the raw text, so fenced
// examples and prose never count. A stale path is a `doc-path-missing` diagnostic.
import { existsSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import type { InlineCode, Link, Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { visit } from 'unist-util-visit';
import { diagnostic, type Diagnostic } from './diagnostics/diagnostic.ts';

/** Words that start a command line whose path arguments are checked too (`tsx scripts/stage.ts --json`). */
const COMMANDS = new Set(['tsx', 'node', 'npx', 'bash', 'sh']);

/** Not a concrete path: a placeholder (`<name>`), a glob, a brace list or a variable. */
const PATTERN = /[<>*{}$[\]]/;

/** `src/x.ts#EXPORT` or `src/x.ts:12` name the file `src/x.ts`. */
function fileOf(token: string): string {
  return token.replace(/[#:].*$/, '').replace(/[.,;)]+$/, '');
}

function underPrefix(path: string, prefixes: readonly string[]): boolean {
  return prefixes.some((p) => path.startsWith(p));
}

/** The paths an inline code span names: all of it when it is one path, else a command's arguments. */
export function inlineCodePaths(value: string, prefixes: readonly string[]): string[] {
  const words = value.trim().split(/\s+/);
  const candidates = words.length === 1 ? words : COMMANDS.has(words[0] ?? '') ? words.slice(1) : [];
  return candidates.map(fileOf).filter((w) => underPrefix(w, prefixes) && !PATTERN.test(w));
}

/** The repository path a relative link points at (from the doc's folder), or null for a URL or an anchor. */
export function linkPath(url: string, docFile: string): string | null {
  if (url === '' || url.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('/')) return null;
  const target = normalize(join(dirname(docFile), decodeURI(url.replace(/[#?].*$/, '')))).split(sep).join('/');
  return target.startsWith('../') ? null : target;
}

/** Diagnostics for the paths in `text` (the doc `file`, relative to `root`) that do not exist. */
export function checkDocPaths(root: string, file: string, text: string, prefixes: readonly string[], tree: Root = fromMarkdown(text)): Diagnostic[] {
  if (prefixes.length === 0) return [];
  const out: Diagnostic[] = [];
  const check = (path: string, line: number, column: number, how: string) => {
    if (!existsSync(join(root, path))) {
      out.push(diagnostic(file, line, column, 'doc-path-missing', `${how} names ${path}, which does not exist; write the path that holds it now, or drop the reference`));
    }
  };
  visit(tree, (node) => {
    if (node.type === 'inlineCode') {
      const code = node as InlineCode;
      for (const path of inlineCodePaths(code.value, prefixes)) check(path, code.position?.start.line ?? 1, code.position?.start.column ?? 1, `\`${code.value}\``);
    } else if (node.type === 'link') {
      const link = node as Link;
      const path = linkPath(link.url, file);
      if (path !== null && underPrefix(path, prefixes)) check(path, link.position?.start.line ?? 1, link.position?.start.column ?? 1, `the link to ${link.url}`);
    }
  });
  return out;
}
