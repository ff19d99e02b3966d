// .env.example against the config schema: every key once, with its default and its doc comment
// on the line above, and no ORCH_* key the schema does not know. Pure: text in, findings out.
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
  const key = (eq === -1 ? '' : trimmed.slice(0, eq).replace(/^export\s+/, '').trim());
  if (!NAME.test(key)) return null;
  return { key, value: parseEnv(trimmed)[key] ?? '', index };
}

export function envLine(key: EnvKey): string {
  const plain = /^[^\s#"'`\\]*$/.test(key.default);
  return `${key.key}=${plain ? key.default : JSON.stringify(key.default)}`;
}

/** The comment lines directly above line `index`. */
function commentAbove(lines: readonly string[], index: number): { start: number; text: string[] } {
  let start = index;
  while (start > 0 && (lines[start - 1] as string).trimStart().startsWith('#')) start--;
  return { start, text: lines.slice(start, index) };
}

export interface EnvCheck {
  readonly diagnostics: Diagnostic[];
  /** The repaired text: header kept, keys in schema order, other assignments kept at the end. */
  readonly repaired: string;
}

export function checkEnvExample(file: string, text: string, keys: readonly EnvKey[], prefix = 'ORCH_'): EnvCheck {
  const lines = text.replaceAll('\r', '').split('\n');
  const assignments = lines.map(assignmentOf).filter((a): a is Assignment => a !== null);
  const out: Diagnostic[] = [];
  const known = new Map(keys.map((k) => [k.key, k]));
  const seen = new Map<string, Assignment>();
  for (const a of assignments) {
    const def = known.get(a.key);
    const line = a.index + 1;
    if (seen.has(a.key)) {
      out.push(diagnostic(file, line, 1, 'env-example', `${a.key} is listed again (first on line ${(seen.get(a.key) as Assignment).index + 1})`));
      continue;
    }
    seen.set(a.key, a);
    if (!def) {
      if (a.key.startsWith(prefix)) out.push(diagnostic(file, line, 1, 'env-example', `${a.key} is not a config key of the schema; remove it or add it to a config section`));
      continue;
    }
    if (a.value !== def.default) {
      out.push(diagnostic(file, line, 1, 'env-example', `${a.key}: .env.example has ${JSON.stringify(a.value)}, the schema default is ${JSON.stringify(def.default)}`));
    }
    const above = commentAbove(lines, a.index).text.at(-1);
    if (above !== `# ${def.doc}`) {
      out.push(diagnostic(file, line, 1, 'env-example', `${a.key}: the comment above must be the key's doc "# ${def.doc}"${above === undefined ? ' (none found)' : `, found "${above}"`}`));
    }
  }
  for (const def of keys) {
    if (!seen.has(def.key)) out.push(diagnostic(file, 1, 1, 'env-example', `${def.key} is missing; add:\n# ${def.doc}\n${envLine(def)}`));
  }
  return { diagnostics: out, repaired: repair(lines, assignments, keys, prefix) };
}

function repair(lines: readonly string[], assignments: readonly Assignment[], keys: readonly EnvKey[], prefix: string): string {
  const first = assignments[0];
  const headerEnd = first ? commentAbove(lines, first.index).start : lines.length;
  let header = lines.slice(0, headerEnd).join('\n').replace(/\n+$/, '');
  header = header === '' ? '' : `${header}\n\n`;
  const body = keys.map((k) => `# ${k.doc}\n${envLine(k)}\n`).join('');
  const others = assignments
    .filter((a) => !keys.some((k) => k.key === a.key) && !a.key.startsWith(prefix))
    .map((a) => {
      const c = commentAbove(lines, a.index);
      return [...c.text, lines[a.index]].join('\n') + '\n';
    });
  return header + body + (others.length > 0 ? `\n${others.join('')}` : '');
}
