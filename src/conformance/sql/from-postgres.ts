// The logical schema of a PostgreSQL database (logical.ts), from pg_catalog, schema `public`.
import { sql, type Kysely } from 'kysely';
import { expressionTokens, normaliseExpression, reduceCheck } from './expression.ts';
import type { LogicalCheck, LogicalColumn, LogicalForeignKey, LogicalIndex, LogicalSchema, LogicalTable, LogicalType } from './logical.ts';
import { sqlTokens } from './tokens.ts';

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
