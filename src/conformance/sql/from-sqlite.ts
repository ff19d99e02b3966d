// The logical schema of a SQLite database (logical.ts): PRAGMAs; the table's DDL only for what no
// PRAGMA tells (checks, autoincrement), the index's DDL only for a partial index's WHERE.
import type BetterSqlite3 from 'better-sqlite3';
import { expressionTokens, isPunct, joinTokens, normaliseExpression, reduceCheck } from './expression.ts';
import type { LogicalCheck, LogicalColumn, LogicalForeignKey, LogicalIndex, LogicalSchema, LogicalTable, LogicalType } from './logical.ts';
import { splitTopLevel, sqlTokens, type SqlToken } from './tokens.ts';

interface SqliteColumnRow { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }
interface SqliteFkRow { id: number; table: string; from: string; to: string | null; on_delete: string }
interface SqliteIndexRow { name: string; unique: number; origin: 'c' | 'u' | 'pk'; partial: number }

const SQLITE_TYPES: Record<string, LogicalType> = { integer: 'integer', text: 'text', real: 'real' };
const CONSTRAINT_WORDS = new Set(['constraint', 'primary', 'unique', 'check', 'foreign']);

function masterSql(db: BetterSqlite3.Database, type: 'table' | 'index', name: string): string {
  const row = db.prepare('select sql from sqlite_master where type = ? and name = ?').get(type, name) as { sql: string | null } | undefined;
  return row?.sql ?? '';
}

/** The parenthesised group that starts at `open`, without its parentheses. */
function group(tokens: readonly SqlToken[], open: number): SqlToken[] {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (isPunct(tokens[i], '(')) depth++;
    if (isPunct(tokens[i], ')') && --depth === 0) return tokens.slice(open + 1, i);
  }
  return tokens.slice(open + 1);
}

/** Checks and autoincrement columns of a CREATE TABLE, from its top-level definitions. */
function tableDdlFacts(ddl: string): { checks: LogicalCheck[]; autoIncrement: Set<string> } {
  const tokens = sqlTokens(ddl);
  const open = tokens.findIndex((t) => isPunct(t, '('));
  const checks: LogicalCheck[] = [];
  const autoIncrement = new Set<string>();
  for (const def of splitTopLevel(group(tokens, open))) {
    const first = def[0];
    const column = first === undefined || (first.kind === 'word' && CONSTRAINT_WORDS.has(first.text.toLowerCase())) ? null : first.text;
    def.forEach((t, i) => {
      const word = t.kind === 'word' ? t.text.toLowerCase() : '';
      if (word === 'autoincrement' && column !== null) autoIncrement.add(column);
      if (word === 'check' && isPunct(def[i + 1], '(')) checks.push(reduceCheck(expressionTokens(group(def, i + 1))));
    });
  }
  return { checks, autoIncrement };
}

function partialPredicate(db: BetterSqlite3.Database, index: string): string | null {
  const tokens = sqlTokens(masterSql(db, 'index', index));
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (isPunct(tokens[i], '(')) depth++;
    if (isPunct(tokens[i], ')')) depth--;
    const t = tokens[i] as SqlToken;
    if (depth === 0 && t.kind === 'word' && t.text.toLowerCase() === 'where') return joinTokens(expressionTokens(tokens.slice(i + 1)));
  }
  return null;
}

function sqliteTable(db: BetterSqlite3.Database, name: string): LogicalTable {
  const pragma = <T>(what: string, arg: string) => db.prepare(`select * from pragma_${what}(?)`).all(arg) as T[];
  const facts = tableDdlFacts(masterSql(db, 'table', name));
  const columns = pragma<SqliteColumnRow>('table_info', name).map((c) => ({
    name: c.name,
    type: SQLITE_TYPES[c.type.toLowerCase()] ?? c.type.toLowerCase(),
    notNull: c.notnull === 1 || c.pk > 0,
    default: c.dflt_value === null ? null : normaliseExpression(c.dflt_value),
    primaryKey: c.pk > 0,
    autoIncrement: facts.autoIncrement.has(c.name),
  }));
  const refPk = (table: string) => pragma<SqliteColumnRow>('table_info', table).find((c) => c.pk === 1)?.name ?? '?';
  const foreignKeys = pragma<SqliteFkRow>('foreign_key_list', name).map((f) => ({
    column: f.from,
    refTable: f.table,
    refColumn: f.to ?? refPk(f.table),
    onDelete: f.on_delete.toLowerCase(),
  }));
  const indexColumns = (index: string) => pragma<{ name: string | null }>('index_info', index).map((c) => c.name ?? '<expression>');
  const indexRows = pragma<SqliteIndexRow>('index_list', name);
  return {
    name,
    columns,
    foreignKeys,
    uniques: indexRows.filter((i) => i.origin === 'u').map((i) => indexColumns(i.name)),
    checks: facts.checks,
    indexes: indexRows
      .filter((i) => i.origin === 'c')
      .map((i) => ({ name: i.name, columns: indexColumns(i.name), unique: i.unique === 1, predicate: i.partial === 1 ? partialPredicate(db, i.name) : null })),
  };
}

/** The logical schema of a SQLite database (its `sqlite_*` tables and `ignoreTables` left out). */
export function logicalFromSqlite(db: BetterSqlite3.Database, ignoreTables: readonly string[] = []): LogicalSchema {
  const names = (db.prepare("select name from pragma_table_list where schema = 'main' and type = 'table'").all() as { name: string }[])
    .map((r) => r.name)
    .filter((n) => !n.startsWith('sqlite_') && !ignoreTables.includes(n))
    .sort();
  return { tables: names.map((n) => sqliteTable(db, n)) };
}
