import { describe, expect, it } from 'vitest';
import { extractBlocks } from '../../src/conformance/markdown/blocks.ts';
import { appendBlock, rewriteBlocks } from '../../src/conformance/markdown/splice.ts';

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
