import { describe, expect, it } from 'vitest';
import { compareBlock, describeDifference } from '../../src/conformance/blocks/compare.ts';
import type { Derived } from '../../src/conformance/blocks/types.ts';
import { toYaml, yamlEntries } from '../../src/conformance/blocks/yaml.ts';
import { extractBlocks } from '../../src/conformance/markdown/blocks.ts';

const keyOf = (item: unknown) => {
  const t = item as { from?: string; to?: string };
  return t.from && t.to ? `${t.from}->${t.to}` : null;
};

function derived(rows: object[]): Derived {
  const body = toYaml(rows, { flowItems: true });
  const parsed = yamlEntries(body, keyOf);
  if (!parsed.ok) throw new Error('fixture');
  return { body, entries: parsed.entries.map(({ key, data }) => ({ key, data })), source: 'src/pipeline/transitions.ts' };
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
      message: 'orch:t: entry "b->a" is in code (src/pipeline/transitions.ts) but not in the block; code has {"from":"b","kind":"rollback","to":"a"}',
    });
  });

  it('reports a stale doc entry on its own line', () => {
    const found = check(`${toYaml(CODE, { flowItems: true })}- {from: c, to: a, kind: rollback}\n`, CODE);
    expect(found.map((d) => [d.ruleId, d.line, d.message])).toEqual([
      ['block-entry-stale', 6, 'orch:t: entry "c->a" is in the block but no longer in code (src/pipeline/transitions.ts); docs have {"from":"c","kind":"rollback","to":"a"}'],
    ]);
  });

  it('says which field differs and what each side has', () => {
    const found = check('- {from: a, to: b, kind: rollback}\n- {from: b, to: a, kind: rollback}\n', CODE);
    expect(found.map((d) => d.message)).toEqual([
      'orch:t: entry "a->b" differs from code (src/pipeline/transitions.ts): kind: docs have "rollback", code has "forward"',
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
