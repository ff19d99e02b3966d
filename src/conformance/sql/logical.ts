// One schema doc, two engines: the orch:db-schema block is SQLite DDL, and PostgreSQL spells the
// same schema differently (serial for autoincrement, `<>` for `!=`, casts, `= ANY (ARRAY[...])`
// for `in (...)`, its own names for constraint indexes). Both engines are read into one
// engine-neutral "logical schema" (from PRAGMAs and pg_catalog, not from DDL text), and the
// comparison is of those models, so the doc stays the one source of truth for both.
import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { splitTopLevel, sqlTokens, type SqlToken } from './tokens.ts';

/** integer, text or real; any other type keeps its engine's raw name, so it shows as a difference. */
export type LogicalType = 'integer' | 'text' | 'real' | (string & {});

export interface LogicalColumn {
  readonly name: string;
  readonly type: LogicalType;
  /** A primary-key column counts as not null on both engines. */
  readonly notNull: boolean;
  /** Normalised default expression; null when there is none (and for serial/identity ids). */
  readonly default: string | null;
  readonly primaryKey: boolean;
  /** SQLite `autoincrement`, PostgreSQL serial (nextval default) or identity. */
  readonly autoIncrement: boolean;
}

export interface LogicalForeignKey {
  readonly column: string;
  readonly refTable: string;
  readonly refColumn: string;
  /** `cascade`, `set null`, `no action`, `restrict` or `set default`. */
  readonly onDelete: string;
}

export interface LogicalCheck {
  /** The column of an allowed-values check (`x in (...)`, `x = ANY (ARRAY[...])`), else null. */
  readonly column: string | null;
  /** Its allowed values, sorted; null for any other check. */
  readonly values: readonly string[] | null;
  /** The normalised expression. */
  readonly text: string;
}

export interface LogicalIndex {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
  /** Normalised WHERE of a partial index, else null. */
  readonly predicate: string | null;
}

export interface LogicalTable {
  readonly name: string;
  readonly columns: readonly LogicalColumn[];
  readonly foreignKeys: readonly LogicalForeignKey[];
  /** Columns of each UNIQUE constraint (compared by columns: the engines name their indexes differently). */
  readonly uniques: readonly (readonly string[])[];
  readonly checks: readonly LogicalCheck[];
  /** Indexes made with `create index` (compared by name), not those behind constraints. */
  readonly indexes: readonly LogicalIndex[];
}

export interface LogicalSchema {
  /** Sorted by name. */
  readonly tables: readonly LogicalTable[];
}

// ---------------------------------------------------------------------------------------------
// Expressions (defaults, checks, index predicates): a token-level normal form, not a parse.

const isPunct = (t: SqlToken | undefined, text: string) => t?.kind === 'punct' && t.text === text;
const OPERATOR_SPELLINGS: Record<string, string> = { '<>': '!=', '==': '=' };

/**
 * Normalised tokens: words lower-cased, quoted identifiers unquoted, parentheses and `::type`
 * casts dropped, `<>` spelled `!=`. SQLite's tokenizer reads PostgreSQL's `ARRAY[...]` as a
 * [bracketed identifier]; its text is tokenised again between `[` and `]`.
 */
export function expressionTokens(tokens: readonly SqlToken[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as SqlToken;
    if (isPunct(t, ':') && isPunct(tokens[i + 1], ':') && tokens[i + 2]?.kind === 'word') i += 2;
    else if (isPunct(t, '(') || isPunct(t, ')')) continue;
    else if (t.kind === 'ident' && out.at(-1) === 'array') out.push('[', ...expressionTokens(sqlTokens(t.text)), ']');
    else if (t.kind === 'word') out.push(t.text.toLowerCase());
    else if (t.kind === 'punct') out.push(OPERATOR_SPELLINGS[t.text] ?? t.text);
    else out.push(t.text);
  }
  return out;
}

function joinTokens(tokens: readonly string[]): string {
  return tokens.reduce((text, t) => (text === '' ? t : t === ',' ? `${text},` : `${text} ${t}`), '');
}

/** The normal form of an expression's SQL text (see expressionTokens). */
export function normaliseExpression(text: string): string {
  return joinTokens(expressionTokens(sqlTokens(text)));
}

/** `'a', 'b', 3` as values (strings unquoted), or null when the list holds anything else. */
function literalList(tokens: readonly string[]): string[] | null {
  const values: string[] = [];
  for (let i = 0; i < tokens.length; i += 2) {
    const t = tokens[i] as string;
    if (i + 1 < tokens.length && tokens[i + 1] !== ',') return null;
    if (t.startsWith("'")) values.push(t.slice(1, -1).replaceAll("''", "'"));
    else if (/^[0-9.]+$/.test(t)) values.push(t);
    else return null;
  }
  return values.length === 0 ? null : [...new Set(values)].sort();
}

/** A check reduced to its column and allowed values when it is `x in (...)` / `x = ANY (ARRAY[...])`. */
export function reduceCheck(tokens: readonly string[]): LogicalCheck {
  const [column, op, ...rest] = tokens;
  let list: string[] | undefined;
  if (op === 'in') list = rest;
  else if (op === '=' && rest[0] === 'any' && rest[1] === 'array' && rest[2] === '[' && rest.at(-1) === ']') list = rest.slice(3, -1);
  const values = list === undefined ? null : literalList(list);
  const simple = column !== undefined && !column.startsWith("'") && values !== null;
  return { column: simple ? column : null, values: simple ? values : null, text: joinTokens(tokens) };
}

// ---------------------------------------------------------------------------------------------
// SQLite: PRAGMAs; the table's DDL only for what no PRAGMA tells (checks, autoincrement), the
// index's DDL only for a partial index's WHERE.

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

// ---------------------------------------------------------------------------------------------
// PostgreSQL: pg_catalog, schema `public`.

const PG_TYPES: Record<string, LogicalType> = { int4: 'integer', text: 'text', float8: 'real' };
const PG_ON_DELETE: Record<string, string> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };
const PUBLIC_TABLES = sql`n.nspname = 'public' and c.relkind in ('r', 'p')`;

interface PgColumnRow { table_name: string; name: string; type: string; not_null: boolean; identity: string; default_expr: string | null }
interface PgConstraintRow { table_name: string; kind: 'p' | 'u' | 'f' | 'c'; columns: string[]; ref_table: string | null; ref_columns: string[]; on_delete: string; check_expr: string | null }
interface PgIndexRow { table_name: string; name: string; is_unique: boolean; columns: string[]; predicate: string | null }

async function pgCatalog<DB>(db: Kysely<DB>) {
  const attnames = (keys: string, rel: string) =>
    sql.raw(`array(select a.attname::text from unnest(${keys}) with ordinality u(num, ord) join pg_attribute a on a.attrelid = ${rel} and a.attnum = u.num order by u.ord)`);
  const columns = await sql<PgColumnRow>`
    select c.relname as table_name, a.attname as name, t.typname as type, a.attnotnull as not_null, a.attidentity::text as identity,
      pg_get_expr(d.adbin, d.adrelid) as default_expr
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      join pg_type t on t.oid = a.atttypid
      left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
    where ${PUBLIC_TABLES} order by c.relname, a.attnum`.execute(db);
  const constraints = await sql<PgConstraintRow>`
    select c.relname as table_name, k.contype::text as kind, ${attnames('k.conkey', 'k.conrelid')} as columns, f.relname as ref_table,
      ${attnames('k.confkey', 'k.confrelid')} as ref_columns, k.confdeltype::text as on_delete, pg_get_expr(k.conbin, k.conrelid) as check_expr
    from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
      left join pg_class f on f.oid = k.confrelid
    where ${PUBLIC_TABLES} and k.contype in ('p', 'u', 'f', 'c') order by c.relname, k.conname`.execute(db);
  const indexes = await sql<PgIndexRow>`
    select c.relname as table_name, ic.relname as name, i.indisunique as is_unique,
      array(select pg_get_indexdef(i.indexrelid, k, true) from generate_series(1, i.indnkeyatts) k order by k) as columns,
      pg_get_expr(i.indpred, i.indrelid) as predicate
    from pg_index i join pg_class c on c.oid = i.indrelid join pg_class ic on ic.oid = i.indexrelid
      join pg_namespace n on n.oid = c.relnamespace
    where ${PUBLIC_TABLES} and not exists (
      select 1 from pg_constraint k where k.conindid = i.indexrelid and k.conrelid = i.indrelid and k.contype in ('p', 'u', 'x'))
    order by c.relname, ic.relname`.execute(db);
  return { columns: columns.rows, constraints: constraints.rows, indexes: indexes.rows };
}

function pgColumn(row: PgColumnRow, primaryKey: boolean): LogicalColumn {
  const serial = row.default_expr !== null && expressionTokens(sqlTokens(row.default_expr))[0] === 'nextval';
  return {
    name: row.name,
    type: PG_TYPES[row.type] ?? row.type,
    notNull: row.not_null || primaryKey,
    default: row.default_expr === null || serial ? null : normaliseExpression(row.default_expr),
    primaryKey,
    autoIncrement: serial || row.identity !== '',
  };
}

/** The logical schema of a PostgreSQL database's `public` schema (`ignoreTables` left out). */
export async function logicalFromPostgres<DB>(db: Kysely<DB>, ignoreTables: readonly string[] = []): Promise<LogicalSchema> {
  const catalog = await pgCatalog(db);
  const names = [...new Set(catalog.columns.map((c) => c.table_name))].filter((n) => !ignoreTables.includes(n)).sort();
  const tables = names.map((name): LogicalTable => {
    const constraints = catalog.constraints.filter((k) => k.table_name === name);
    const pk = new Set(constraints.filter((k) => k.kind === 'p').flatMap((k) => k.columns));
    return {
      name,
      columns: catalog.columns.filter((c) => c.table_name === name).map((c) => pgColumn(c, pk.has(c.name))),
      foreignKeys: constraints
        .filter((k) => k.kind === 'f')
        .map((k) => ({ column: k.columns.join(', '), refTable: k.ref_table ?? '?', refColumn: k.ref_columns.join(', '), onDelete: PG_ON_DELETE[k.on_delete] ?? k.on_delete })),
      uniques: constraints.filter((k) => k.kind === 'u').map((k) => k.columns),
      checks: constraints.filter((k) => k.kind === 'c').map((k) => reduceCheck(expressionTokens(sqlTokens(k.check_expr ?? '')))),
      indexes: catalog.indexes
        .filter((i) => i.table_name === name)
        .map((i) => ({
          name: i.name,
          columns: i.columns.map(normaliseExpression),
          unique: i.is_unique,
          predicate: i.predicate === null ? null : normaliseExpression(i.predicate),
        })),
    };
  });
  return { tables };
}

// ---------------------------------------------------------------------------------------------
// Comparison: pure, one readable line per difference.

const IN_DOC = 'in the doc, not in the database';
const IN_DB = 'in the database, not in the doc';

/** Items of both sides matched by key: one line per missing item, then per differing field. */
function diffKeyed<T>(where: string, doc: readonly T[], actual: readonly T[], key: (x: T) => string, fields: (d: T, a: T) => string[]): string[] {
  const out: string[] = [];
  const actualByKey = new Map(actual.map((a) => [key(a), a]));
  const docKeys = new Set(doc.map(key));
  for (const d of doc) {
    const a = actualByKey.get(key(d));
    if (a === undefined) out.push(`${where} ${key(d)}: ${IN_DOC}`);
    else out.push(...fields(d, a).map((f) => `${where} ${key(d)}: ${f}`));
  }
  for (const a of actual) if (!docKeys.has(key(a))) out.push(`${where} ${key(a)}: ${IN_DB}`);
  return out;
}

function field(name: string, doc: string, actual: string): string[] {
  return doc === actual ? [] : [`${name} ${doc} in the doc, ${actual} in the database`];
}

function flag(name: string, doc: boolean, actual: boolean): string[] {
  return doc === actual ? [] : [`${doc ? '' : 'not '}${name} in the doc, ${actual ? '' : 'not '}${name} in the database`];
}

function columnFields(d: LogicalColumn, a: LogicalColumn): string[] {
  return [
    ...field('type', d.type, a.type),
    ...flag('not null', d.notNull, a.notNull),
    ...field('default', d.default ?? 'none', a.default ?? 'none'),
    ...flag('primary key', d.primaryKey, a.primaryKey),
    ...flag('autoincrement', d.autoIncrement, a.autoIncrement),
  ];
}

function columnOrder(table: string, doc: LogicalTable, actual: LogicalTable): string[] {
  const inBoth = (t: LogicalTable, other: LogicalTable) => t.columns.map((c) => c.name).filter((n) => other.columns.some((o) => o.name === n));
  const [d, a] = [inBoth(doc, actual).join(', '), inBoth(actual, doc).join(', ')];
  return d === a ? [] : [`table ${table}: column order ${d} in the doc, ${a} in the database`];
}

const list = (xs: readonly string[]) => `(${xs.join(', ')})`;
const checkKey = (c: LogicalCheck) => (c.column === null ? `(${c.text})` : `on ${c.column}`);
const allowed = (c: LogicalCheck) => list((c.values ?? []).map((v) => `'${v}'`));

function tableDiffs(doc: LogicalTable, actual: LogicalTable): string[] {
  const at = `table ${doc.name}:`;
  return [
    ...diffKeyed(`${at} column`, doc.columns, actual.columns, (c) => c.name, columnFields),
    ...columnOrder(doc.name, doc, actual),
    ...diffKeyed(`${at} foreign key`, doc.foreignKeys, actual.foreignKeys, (f) => f.column, (d, a) =>
      field('references', `${d.refTable} (${d.refColumn}) on delete ${d.onDelete}`, `${a.refTable} (${a.refColumn}) on delete ${a.onDelete}`),
    ),
    ...diffKeyed(`${at} unique`, doc.uniques, actual.uniques, list, () => []),
    ...diffKeyed(`${at} check`, doc.checks, actual.checks, checkKey, (d, a) => field('allows', allowed(d), allowed(a))),
    ...diffKeyed(`${at} index`, doc.indexes, actual.indexes, (i) => i.name, (d, a) => [
      ...field('columns', list(d.columns), list(a.columns)),
      ...flag('unique', d.unique, a.unique),
      ...field('where', d.predicate ?? 'none', a.predicate ?? 'none'),
    ]),
  ];
}

/** Differences between the doc's schema and a database's, one line each; empty when they agree. */
export function compareLogical(doc: LogicalSchema, actual: LogicalSchema): string[] {
  const out: string[] = [];
  for (const d of doc.tables) {
    const a = actual.tables.find((t) => t.name === d.name);
    out.push(...(a === undefined ? [`table ${d.name}: ${IN_DOC}`] : tableDiffs(d, a)));
  }
  for (const a of actual.tables) if (!doc.tables.some((t) => t.name === a.name)) out.push(`table ${a.name}: ${IN_DB}`);
  return out;
}
