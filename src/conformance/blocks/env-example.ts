// .env.example against the config schema: every key once, with its default, under a comment that
// holds its doc (the comment may wrap and say more), and no ORCH_* key the schema does not know.
// Pure: text in, findings and a repaired text out. The repair edits only what is wrong, in
// place, so hand-written grouping and extra comments survive.
import { parseEnv } from 'node:util';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.ts';

export interface EnvKey {
  readonly key: string;
  readonly default: string;
  readonly doc: string;
}

interface Assignment {
  readonly key: string;
  readonly value: string;
  /** 0-based line index. */
  readonly index: number;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function assignmentOf(line: string, index: number): Assignment | null {
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return null;
  const eq = trimmed.indexOf('=');
  const key = eq === -1 ? '' : trimmed.slice(0, eq).replace(/^export\s+/, '').trim();
  if (!NAME.test(key)) return null;
  return { key, value: parseEnv(trimmed)[key] ?? '', index };
}

export function envLine(key: EnvKey): string {
  const plain = /^[^\s#"'`\\]*$/.test(key.default);
  return `${key.key}=${plain ? key.default : JSON.stringify(key.default)}`;
}

/** `# doc`, wrapped before 100 columns like the rest of the file. */
export function docComment(doc: string): string[] {
  const lines: string[] = [];
  let line = '#';
  for (const word of doc.split(/\s+/)) {
    if (line.length + 1 + word.length > 99 && line !== '#') {
      lines.push(line);
      line = '#';
    }
    line += ` ${word}`;
  }
  return [...lines, line];
}

/** The comment lines directly above line `index`: where they start, and their words joined. */
function commentAbove(lines: readonly string[], index: number): { start: number; text: string } {
  let start = index;
  while (start > 0 && (lines[start - 1] as string).trimStart().startsWith('#')) start--;
  const text = lines
    .slice(start, index)
    .map((l) => l.trim().replace(/^#+\s?/, ''))
    .join(' ');
  return { start, text: text.replace(/\s+/g, ' ').trim() };
}

/** The doc as it must appear: whitespace normalised, without its final period (`doc (range).` is fine). */
const normal = (s: string) => s.replace(/\s+/g, ' ').trim().replace(/\.$/, '');

export interface EnvCheck {
  readonly diagnostics: Diagnostic[];
  /** The text with every problem fixed in place, and missing keys appended. */
  readonly repaired: string;
}

export function checkEnvExample(file: string, text: string, keys: readonly EnvKey[], prefix = 'ORCH_'): EnvCheck {
  const lines = text.replaceAll('\r', '').split('\n');
  const out: Diagnostic[] = [];
  const known = new Map(keys.map((k) => [k.key, k]));
  const seen = new Map<string, Assignment>();
  /** Line index -> replacement lines ([] deletes); a comment block is replaced from its start. */
  const edits = new Map<number, { to: number; lines: string[] }>();
  for (const a of lines.map(assignmentOf).filter((x): x is Assignment => x !== null)) {
    const def = known.get(a.key);
    const line = a.index + 1;
    const above = commentAbove(lines, a.index);
    if (seen.has(a.key)) {
      out.push(diagnostic(file, line, 1, 'env-example', `${a.key} is listed again (first on line ${(seen.get(a.key) as Assignment).index + 1})`));
      edits.set(above.start, { to: a.index + 1, lines: [] });
      continue;
    }
    seen.set(a.key, a);
    if (!def) {
      if (a.key.startsWith(prefix)) {
        out.push(diagnostic(file, line, 1, 'env-example', `${a.key} is not a config key of the schema; remove it or add it to a config section`));
        edits.set(above.start, { to: a.index + 1, lines: [] });
      }
      continue;
    }
    const badValue = a.value !== def.default;
    const badDoc = !above.text.includes(normal(def.doc));
    if (badValue) out.push(diagnostic(file, line, 1, 'env-example', `${a.key}: .env.example has ${JSON.stringify(a.value)}, the schema default is ${JSON.stringify(def.default)}`));
    if (badDoc) {
      const found = above.text === '' ? 'no comment above it' : `the comment above says "${above.text}"`;
      out.push(diagnostic(file, line, 1, 'env-example', `${a.key}: the comment above must hold the key's doc "${def.doc}"; ${found}`));
    }
    if (badValue || badDoc) {
      const comment = badDoc ? docComment(def.doc) : lines.slice(above.start, a.index);
      edits.set(above.start, { to: a.index + 1, lines: [...comment, envLine(def)] });
    }
  }
  const missing = keys.filter((k) => !seen.has(k.key));
  for (const def of missing) out.push(diagnostic(file, 1, 1, 'env-example', `${def.key} is missing; add:\n${[...docComment(def.doc), envLine(def)].join('\n')}`));

  const result: string[] = [];
  for (let i = 0; i < lines.length; ) {
    const edit = edits.get(i);
    if (edit) {
      result.push(...edit.lines);
      i = edit.to;
    } else result.push(lines[i++] as string);
  }
  while (result.length > 0 && result.at(-1) === '') result.pop();
  const appended = missing.flatMap((k) => [...docComment(k.doc), envLine(k)]);
  const body = [...result, ...(appended.length > 0 && result.length > 0 ? [''] : []), ...appended];
  return { diagnostics: out, repaired: `${body.join('\n')}\n` };
}
