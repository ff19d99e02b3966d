// The canonical text of a SQLite schema, read back from sqlite_master: tables, then their indexes,
// by name; one column per line; the same spelling whatever quoting or case the DDL used. The doc
// block is canonicalised the same way (executed into an empty database), so both sides compare.
import type BetterSqlite3 from 'better-sqlite3';
import type { Entry } from '../blocks/types.ts';
import { SQLITE_KEYWORDS } from './keywords.ts';
import { splitTopLevel, sqlTokens, type SqlToken } from './tokens.ts';

const BARE = /^[A-Za-z_][A-Za-z0-9_]*$/;

function tokenText(t: SqlToken): string {
  if (t.kind === 'word') return SQLITE_KEYWORDS.has(t.text.toLowerCase()) ? t.text.toLowerCase() : t.text;
  if (t.kind === 'ident') return BARE.test(t.text) && !SQLITE_KEYWORDS.has(t.text.toLowerCase()) ? t.text : `"${t.text.replaceAll('"', '""')}"`;
  return t.text;
}

/** Tokens joined with single spaces, none inside parentheses' edges or before commas. */
export function renderTokens(tokens: readonly SqlToken[]): string {
  let out = '';
  let prev: SqlToken | undefined;
  for (const t of tokens) {
    const tight = prev === undefined || (t.kind === 'punct' && (t.text === ',' || t.text === ')')) || (prev.kind === 'punct' && prev.text === '(');
    out += (tight ? '' : ' ') + tokenText(t);
    prev = t;
  }
  return out;
}

interface MasterRow {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

function nameOf(t: SqlToken | undefined): string {
  return t === undefined ? '?' : t.kind === 'ident' ? t.text : t.text;
}

const CONSTRAINT_WORDS = new Set(['constraint', 'primary', 'unique', 'check', 'foreign']);

function renderTable(row: MasterRow, entries: Entry[]): string {
  const tokens = sqlTokens(row.sql as string);
  const open = tokens.findIndex((t) => t.kind === 'punct' && t.text === '(');
  let close = tokens.length - 1;
  while (close > open && !(tokens[close]?.kind === 'punct' && tokens[close]?.text === ')')) close--;
  const defs = splitTopLevel(tokens.slice(open + 1, close));
  const suffix = renderTokens(tokens.slice(close + 1));
  const columns: string[] = [];
  let constraints = 0;
  const lines = defs.map((def) => {
    const text = renderTokens(def);
    const first = def[0];
    if (first?.kind === 'word' && CONSTRAINT_WORDS.has(first.text.toLowerCase())) {
      entries.push({ key: `constraint ${row.name}#${++constraints}`, data: text });
    } else {
      columns.push(nameOf(first));
      entries.push({ key: `column ${row.name}.${nameOf(first)}`, data: text });
    }
    return `  ${text}`;
  });
  entries.push({ key: `table ${row.name}`, data: { columns } });
  return `create table ${tokenText({ kind: 'ident', text: row.name })} (\n${lines.join(',\n')}\n)${suffix ? ` ${suffix}` : ''};\n`;
}

export interface CanonicalSchema {
  readonly body: string;
  readonly entries: Entry[];
}

/** Canonical schema of an open database, leaving out SQLite's own tables and `ignoreTables`. */
export function canonicalSchema(db: BetterSqlite3.Database, ignoreTables: readonly string[] = []): CanonicalSchema {
  const rows = db
    .prepare("select type, name, tbl_name, sql from sqlite_master where sql is not null and name not like 'sqlite_%'")
    .all() as MasterRow[];
  const kept = rows.filter((r) => !ignoreTables.includes(r.tbl_name));
  const byName = (a: MasterRow, b: MasterRow) => a.name.localeCompare(b.name);
  const entries: Entry[] = [];
  const parts: string[] = [];
  for (const table of kept.filter((r) => r.type === 'table').sort(byName)) {
    parts.push(renderTable(table, entries));
    for (const other of kept.filter((r) => r.type !== 'table' && r.tbl_name === table.name).sort(byName)) {
      const text = renderTokens(sqlTokens(other.sql as string));
      entries.push({ key: `${other.type} ${other.name}`, data: text });
      parts.push(`${text};\n`);
    }
  }
  for (const view of kept.filter((r) => r.type === 'view').sort(byName)) {
    const text = renderTokens(sqlTokens(view.sql as string));
    entries.push({ key: `view ${view.name}`, data: text });
    parts.push(`${text};\n`);
  }
  return { body: parts.join('\n'), entries };
}
