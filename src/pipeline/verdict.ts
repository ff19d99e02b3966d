// THE verdict parser (SPEC §3): one parser for every key, whatever produced the artifact.
// A verdict line is `<key>:[ \t]*<VALUE>[ \t]*` on a line of its own, after stripping a BOM and
// `\r`; lines inside fenced code blocks (found with mdast, not by pattern) do not count.
import type { Code, Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { visit } from 'unist-util-visit';
import { verdictKey } from './verdict-keys.ts';

export type VerdictResult =
  | { readonly kind: 'verdict'; readonly value: string; readonly line: number }
  | { readonly kind: 'missing' }
  | { readonly kind: 'invalid'; readonly reason: string };

/** 1-based line numbers covered by fenced code blocks. */
function fencedLines(text: string): Set<number> {
  const lines = new Set<number>();
  // Only a document that has a fence marker can have a fenced block: skip the parse otherwise.
  if (!text.includes('```') && !text.includes('~~~')) return lines;
  const tree: Root = fromMarkdown(text);
  visit(tree, 'code', (node: Code) => {
    const start = node.position?.start.line;
    const end = node.position?.end.line;
    if (start === undefined || end === undefined) return;
    // Indented code blocks start with spaces, so they can never hold a verdict line anyway.
    for (let l = start; l <= end; l++) lines.add(l);
  });
  return lines;
}

/** Parse the verdict for `key` out of an artifact's text. */
export function parseVerdict(text: string, key: string): VerdictResult {
  const def = verdictKey(key);
  const clean = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replaceAll('\r', '');
  const prefix = `${key}:`;
  if (!clean.includes(prefix)) return { kind: 'missing' };
  const inCode = fencedLines(clean);
  const found: Array<{ value: string; line: number }> = [];
  const lines = clean.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!line.startsWith(prefix) || inCode.has(i + 1)) continue;
    found.push({ value: line.slice(prefix.length).replace(/^[ \t]+|[ \t]+$/g, ''), line: i + 1 });
  }
  if (found.length === 0) return { kind: 'missing' };
  for (const f of found) {
    if (!def.values.includes(f.value)) {
      const hint = def.values.find((v) => v.toLowerCase() === f.value.toLowerCase());
      const shown = f.value === '' ? 'an empty value' : `value ${JSON.stringify(f.value)}`;
      const extra = hint ? ` (values are case-sensitive: write ${hint})` : '';
      return { kind: 'invalid', reason: `line ${f.line}: ${key} has ${shown}; allowed: ${def.values.join(', ')}${extra}` };
    }
  }
  const distinct = [...new Set(found.map((f) => f.value))];
  if (distinct.length > 1) {
    const where = found.map((f) => `${f.value} (line ${f.line})`).join(', ');
    return { kind: 'invalid', reason: `conflicting ${key} values: ${where}` };
  }
  const first = found[0] as { value: string; line: number };
  return { kind: 'verdict', value: first.value, line: first.line };
}
