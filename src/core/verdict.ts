// THE verdict parser (SPEC §3): one parser for every key, whatever produced the artifact.
// A verdict line is `<key>:[ \t]*<VALUE>[ \t]*` on a line of its own, after stripping a BOM and
// `\r`; lines inside fenced code blocks (found with mdast, not by pattern) do not count.
import { fencedLineIndexes } from './fences.ts';
import { verdictKey } from './verdict-keys.ts';

export type VerdictResult =
  | { readonly kind: 'verdict'; readonly value: string; readonly line: number }
  | { readonly kind: 'missing' }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Parse the verdict for `key` out of an artifact's text. */
export function parseVerdict(text: string, key: string): VerdictResult {
  const def = verdictKey(key);
  const clean = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replaceAll('\r', '');
  const prefix = `${key}:`;
  if (!clean.includes(prefix)) return { kind: 'missing' };
  const lines = clean.split('\n');
  const candidates: number[] = [];
  for (let i = 0; i < lines.length; i++) if ((lines[i] as string).startsWith(prefix)) candidates.push(i);
  if (candidates.length === 0) return { kind: 'missing' };
  // Whether a line is inside a fence depends only on the lines before it: parse up to the last
  // candidate, not the whole artifact (a long log after the verdict costs nothing).
  const last = candidates[candidates.length - 1] as number;
  const inCode = fencedLineIndexes(lines.slice(0, last + 1));
  const found = candidates
    .filter((i) => !inCode.has(i))
    .map((i) => ({ value: (lines[i] as string).slice(prefix.length).replace(/^[ \t]+|[ \t]+$/g, ''), line: i + 1 }));
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
