// Doc blocks: finding them with mdast and splicing bodies, comparing a block with code, the
// canonical SQL schema, and .env.example. (One file: each test file costs a process.)
import { describe, expect, it } from 'vitest';
import { extractBlocks } from '../../src/conformance/markdown/blocks.ts';
import { appendBlock, rewriteBlocks } from '../../src/conformance/markdown/splice.ts';
import { compareBlock, describeDifference } from '../../src/conformance/blocks/compare.ts';
import type { Derived } from '../../src/conformance/blocks/types.ts';
import { toYaml, yamlEntries } from '../../src/conformance/blocks/yaml.ts';
import SQLite from 'better-sqlite3';
import { canonicalSchema } from '../../src/conformance/sql/canonical.ts';
import { checkEnvExample, docComment } from '../../src/conformance/blocks/env-example.ts';

const DOC = [
  '# Title',
  '',
  'Prose with `orch:inline-code` that is not a block.',
  '',
  '```yaml orch:first',
  'a: 1',
  '```',
  '',
  '```ts',
  'const notABlock = 1;',
  '```',
  '',
  '- item',
  '',
  '  ~~~~sql orch:second',
  '  select 1;',
  '  ```',
  '  ~~~~',
  '',
  '> ```yaml orch:quoted',
  '> q: 1',
  '> ```',
  '',
  '```orch:bare',
  '```',
  'tail prose',
  '',
].join('\n');

describe('extractBlocks', () => {
  it('finds fenced blocks tagged orch:<name> with mdast, and nothing else', () => {
    const blocks = extractBlocks(DOC, 'docs/x.md');
    expect(blocks.map((b) => [b.name, b.lang, b.line, b.body, b.prefix])).toEqual([
      ['first', 'yaml', 5, 'a: 1\n', ''],
      ['second', 'sql', 15, 'select 1;\n```\n', '  '],
      ['quoted', 'yaml', 20, 'q: 1\n', '> '],
      ['bare', '', 24, '', ''],
    ]);
  });

  it('skips the parse of a document that never mentions the prefix', () => {
    expect(extractBlocks('```yaml\na: 1\n```\n', 'docs/y.md')).toEqual([]);
  });

  it('marks a block that runs to the end of the document as unclosed', () => {
    const [block] = extractBlocks('intro\n\n```yaml orch:open\nx: 1\n', 'docs/z.md');
    expect(block?.closed).toBe(false);
    expect(block?.body).toBe('x: 1\n');
  });
});

describe('rewriteBlocks', () => {
  it('changes only the bodies: every byte outside them is kept', () => {
    const blocks = extractBlocks(DOC, 'docs/x.md');
    const out = rewriteBlocks(
      DOC,
      blocks.map((block) => ({ block, body: `new: ${block.name}\nline: 2\n`, lang: block.lang })),
    );
    const again = extractBlocks(out, 'docs/x.md');
    expect(again.map((b) => b.body)).toEqual(blocks.map((b) => `new: ${b.name}\nline: 2\n`));
    // The prose between the blocks is byte-identical.
    const between = (text: string, bs: ReturnType<typeof extractBlocks>) =>
      bs.map((b, i) => text.slice(i === 0 ? 0 : (bs[i - 1] as (typeof bs)[number]).bodyEnd, b.bodyStart)).join('|') + text.slice((bs.at(-1) as (typeof bs)[number]).bodyEnd);
    expect(between(out, again)).toBe(between(DOC, blocks));
    expect(out).toContain('  ~~~~sql orch:second\n  new: second\n  line: 2\n  ~~~~\n');
    expect(out).toContain('> ```yaml orch:quoted\n> new: quoted\n> line: 2\n> ```\n');
  });

  it('closes an unclosed block and fixes a wrong language', () => {
    const text = 'intro\n\n```json orch:open\nx: 1\n';
    const [block] = extractBlocks(text, 'd.md');
    const out = rewriteBlocks(text, [{ block: block as NonNullable<typeof block>, body: 'y: 2\n', lang: 'yaml' }]);
    expect(out).toBe('intro\n\n```yaml orch:open\ny: 2\n```\n');
  });

  it('is the identity when every body is already canonical', () => {
    const blocks = extractBlocks(DOC, 'docs/x.md');
    expect(rewriteBlocks(DOC, blocks.map((block) => ({ block, body: block.body, lang: block.lang })))).toBe(DOC);
  });
});

describe('appendBlock', () => {
  it('adds a block after a blank line, or starts an empty doc with it', () => {
    expect(appendBlock('# Doc\nprose', 'x', 'yaml', 'a: 1\n')).toBe('# Doc\nprose\n\n```yaml orch:x\na: 1\n```\n');
    expect(appendBlock('', 'x', 'sql', 'select 1;\n')).toBe('```sql orch:x\nselect 1;\n```\n');
  });
});

const keyOf = (item: unknown) => {
  const t = item as { from?: string; to?: string };
  return t.from && t.to ? `${t.from}->${t.to}` : null;
};

function derived(rows: object[]): Derived {
  const body = toYaml(rows, { flowItems: true });
  const parsed = yamlEntries(body, keyOf);
  if (!parsed.ok) throw new Error('fixture');
  return { body, entries: parsed.entries.map(({ key, data }) => ({ key, data })), source: 'src/core/transitions.ts' };
}

function check(docBody: string, code: object[]) {
  const [block] = extractBlocks(`# Pipeline\n\n\`\`\`yaml orch:t\n${docBody}\`\`\`\n`, 'docs/p.md');
  if (!block) throw new Error('no block');
  return compareBlock({ name: 't', block, derived: derived(code), parsed: yamlEntries(block.body, keyOf) });
}

const CODE = [
  { from: 'a', to: 'b', kind: 'forward' },
  { from: 'b', to: 'a', kind: 'rollback' },
];

describe('compareBlock', () => {
  it('is silent when the doc holds the canonical text', () => {
    expect(check(toYaml(CODE, { flowItems: true }), CODE)).toEqual([]);
  });

  it('reports an entry only in code, naming the doc, the block, the entry and the code file', () => {
    const [d] = check('- {from: a, to: b, kind: forward}\n', CODE);
    expect(d).toEqual({
      file: 'docs/p.md',
      line: 3,
      column: 1,
      ruleId: 'block-entry-missing',
      message: 'orch:t: entry "b->a" is in code (src/core/transitions.ts) but not in the block; code has {"from":"b","kind":"rollback","to":"a"}',
    });
  });

  it('reports a stale doc entry on its own line', () => {
    const found = check(`${toYaml(CODE, { flowItems: true })}- {from: c, to: a, kind: rollback}\n`, CODE);
    expect(found.map((d) => [d.ruleId, d.line, d.message])).toEqual([
      ['block-entry-stale', 6, 'orch:t: entry "c->a" is in the block but no longer in code (src/core/transitions.ts); docs have {"from":"c","kind":"rollback","to":"a"}'],
    ]);
  });

  it('says which field differs and what each side has', () => {
    const found = check('- {from: a, to: b, kind: rollback}\n- {from: b, to: a, kind: rollback}\n', CODE);
    expect(found.map((d) => d.message)).toEqual([
      'orch:t: entry "a->b" differs from code (src/core/transitions.ts): kind: docs have "rollback", code has "forward"',
    ]);
  });

  it('reports text that differs only in order or spacing as a format finding', () => {
    const found = check('- {from: b, to: a, kind: rollback}\n- {kind: forward, from: a, to: b}\n', CODE);
    expect(found.map((d) => d.ruleId)).toEqual(['block-format']);
  });

  it('reports YAML that does not parse, and duplicated entries', () => {
    expect(check('- {from: a, to: b\n', CODE).map((d) => d.ruleId)).toEqual(['block-parse']);
    const dup = check(`${toYaml(CODE, { flowItems: true })}- {from: a, to: b, kind: forward}\n`, CODE);
    expect(dup.map((d) => [d.ruleId, d.message])).toEqual([['block-parse', 'orch:t: entry "a->b" appears twice in the block']]);
  });
});

describe('describeDifference', () => {
  it('compares whole values when they are not objects', () => {
    expect(describeDifference('x', 'y')).toBe('docs have "x", code has "y"');
    expect(describeDifference({ values: ['A', 'B'] }, { values: ['A', 'C'] })).toBe('values: docs have ["A","B"], code has ["A","C"]');
  });
});

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

const KEYS = [
  { key: 'ORCH_HOME', default: '.orch', doc: 'Where orch keeps its state.' },
  { key: 'ORCH_GREETING', default: 'hello world', doc: 'A value with a space, and a doc long enough that it has to wrap onto a second comment line somewhere.' },
];
const HEADER = '# orch configuration.\n# See docs/configuration.md.\n';
const GOOD = `${HEADER}\n# Where orch keeps its state.\nORCH_HOME=.orch\n\n# A value with a space, and a doc long enough that it has to wrap onto a second comment line\n# somewhere (any text, from 1 to 3 words).\nORCH_GREETING="hello world"\n`;

describe('checkEnvExample', () => {
  it('accepts every key once with its default, under a comment that holds its doc (wrapped or not)', () => {
    const check = checkEnvExample('.env.example', GOOD, KEYS);
    expect(check.diagnostics).toEqual([]);
    expect(check.repaired).toBe(GOOD);
  });

  it('names a missing key, a wrong default, a wrong comment and an unknown ORCH_ key', () => {
    const text = `${HEADER}\n# Old words.\nORCH_HOME=/var/orch\n# A typo.\nORCH_TYPO=1\nOTHER_TOOL=x\n`;
    const check = checkEnvExample('.env.example', text, KEYS);
    expect(check.diagnostics.map((d) => `${d.line} ${d.message.split('\n')[0]}`)).toEqual([
      '5 ORCH_HOME: .env.example has "/var/orch", the schema default is ".orch"',
      '5 ORCH_HOME: the comment above must hold the key\'s doc "Where orch keeps its state."; the comment above says "Old words."',
      '7 ORCH_TYPO is not a config key of the schema; remove it or add it to a config section',
      '1 ORCH_GREETING is missing; add:',
    ]);
    // Repaired in place: the header and the other tool's line stay, the missing key is appended.
    expect(check.repaired).toBe(
      `${HEADER}\n# Where orch keeps its state.\nORCH_HOME=.orch\nOTHER_TOOL=x\n\n${docComment(KEYS[1]!.doc).join('\n')}\nORCH_GREETING="hello world"\n`,
    );
    expect(checkEnvExample('.env.example', check.repaired, KEYS).diagnostics).toEqual([]);
  });

  it('reports a key listed twice, and the repair drops the second', () => {
    const check = checkEnvExample('.env.example', `${GOOD}ORCH_HOME=.orch\n`, KEYS);
    expect(check.diagnostics.map((d) => d.message)).toEqual(['ORCH_HOME is listed again (first on line 5)']);
    expect(check.repaired).toBe(GOOD);
  });

  it('wraps a long doc before 100 columns', () => {
    const lines = docComment(KEYS[1]!.doc);
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.length < 100 && l.startsWith('# '))).toBe(true);
  });
});
