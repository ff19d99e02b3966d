import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { canonicalSchema } from '../../src/conformance/sql/canonical.ts';

function schemaOf(ddl: string) {
  const db = new SQLite(':memory:');
  try {
    db.exec(ddl);
    return canonicalSchema(db, ['bookkeeping']);
  } finally {
    db.close();
  }
}

describe('canonicalSchema', () => {
  it('prints one spelling whatever quoting, case and spacing the DDL used', () => {
    const a = schemaOf(`create table "b" ("id" integer primary key, "order" text not null, "note" text default 'x, y' check ("note" <> ''));
      create index "b_note" on "b" ("note"); create table bookkeeping (x);
      CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INTEGER REFERENCES b(id) ON DELETE CASCADE, UNIQUE (b_id));`);
    const b = schemaOf(`CREATE TABLE a ("id" INTEGER PRIMARY KEY, "b_id" INTEGER REFERENCES "b" ("id") ON DELETE CASCADE, UNIQUE ("b_id"));
      CREATE TABLE b (id integer PRIMARY KEY,   "order" text NOT NULL, note text DEFAULT 'x, y' CHECK (note<>''));
      CREATE INDEX b_note ON b (note);`);
    expect(a.body).toBe(b.body);
    expect(a.body).toBe(
      [
        'create table a (',
        '  id INTEGER primary key,',
        '  b_id INTEGER references b (id) on delete cascade,',
        '  unique (b_id)',
        ');',
        '',
        'create table b (',
        '  id integer primary key,',
        '  "order" text not null,',
        "  note text default 'x, y' check (note <> '')",
        ');',
        '',
        'create index b_note on b (note);',
        '',
      ].join('\n'),
    );
  });

  it('names entries by table, column, constraint and index, without line numbers', () => {
    const s = schemaOf('create table t (id integer, name text, unique (name)); create index t_name on t (name);');
    expect(s.entries.map((e) => e.key)).toEqual(['column t.id', 'column t.name', 'constraint t#1', 'table t', 'index t_name']);
    expect(s.entries.find((e) => e.key === 'table t')?.data).toEqual({ columns: ['id', 'name'] });
  });
});
