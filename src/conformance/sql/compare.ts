// Comparing two logical schemas (logical.ts), the doc's and a database's: pure, one readable
// line per difference.
import type { LogicalCheck, LogicalColumn, LogicalSchema, LogicalTable } from './logical.ts';

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
