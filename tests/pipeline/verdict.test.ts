import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.ts';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { visit } from 'unist-util-visit';
import { fencedLineIndexes } from '../../src/core/fences.ts';
import { parseVerdict } from '../../src/core/verdict.ts';
import { VERDICT_KEYS } from '../../src/core/verdict-keys.ts';

const K = 'staging_status';

describe('parseVerdict', () => {
  it.each([
    ['a plain verdict line', '# Log\n\nstaging_status: PASSED\n', { kind: 'verdict', value: 'PASSED', line: 3 }],
    ['no trailing newline', 'staging_status: FAILED', { kind: 'verdict', value: 'FAILED', line: 1 }],
    ['spaces and tabs around the value', 'x\nstaging_status: \t PASSED \t \n', { kind: 'verdict', value: 'PASSED', line: 2 }],
    ['no space after the colon', 'staging_status:PASSED\n', { kind: 'verdict', value: 'PASSED', line: 1 }],
    ['CRLF line ends', '# Log\r\n\r\nstaging_status: PASSED\r\n', { kind: 'verdict', value: 'PASSED', line: 3 }],
    ['a BOM before the first line', '\uFEFFstaging_status: PASSED\n', { kind: 'verdict', value: 'PASSED', line: 1 }],
    ['repeated identical lines', 'staging_status: FAILED\ntext\nstaging_status: FAILED\n', { kind: 'verdict', value: 'FAILED', line: 1 }],
  ])('%s', (_name, text, expected) => {
    expect(parseVerdict(text, K)).toEqual(expected);
  });

  it.each([
    ['an empty artifact', ''],
    ['no line for the key', '# Log\n\ntest_status: PASSED\n'],
    ['the key only inside prose', 'We set staging_status: PASSED when green.\n'],
    ['bold markup around the key', '**staging_status:** PASSED\n'],
    ['leading spaces before the key', '  staging_status: PASSED\n'],
    ['a longer key with the same start', 'staging_status_old: PASSED\n'],
    ['a verdict line inside a backtick fence', '# Log\n\n```\nstaging_status: PASSED\n```\n'],
    ['a verdict line inside a tilde fence with info', '~~~text\nstaging_status: PASSED\n~~~\n'],
    ['a verdict line inside a fence that is never closed', 'intro\n\n```sh\nnpm test\nstaging_status: PASSED\n'],
  ])('%s is missing', (_name, text) => {
    expect(parseVerdict(text, K)).toEqual({ kind: 'missing' });
  });

  it('counts the line after a closed fence, and ignores the copy inside it', () => {
    const text = '```\nstaging_status: FAILED\n```\n\nstaging_status: PASSED\n';
    expect(parseVerdict(text, K)).toEqual({ kind: 'verdict', value: 'PASSED', line: 5 });
  });

  it('a fence inside a list item ends with the item: a column-0 verdict after it counts', () => {
    const text = '- step\n  ```\n  npm test\nstaging_status: PASSED\n';
    expect(parseVerdict(text, K)).toEqual({ kind: 'verdict', value: 'PASSED', line: 4 });
  });

  it('a fence marker inside an indented code block opens no fence', () => {
    const text = 'para\n\n    ```\n\nstaging_status: PASSED\n';
    expect(parseVerdict(text, K)).toEqual({ kind: 'verdict', value: 'PASSED', line: 5 });
  });

  it('an unknown value is invalid, naming the line and the allowed values', () => {
    expect(parseVerdict('staging_status: GREEN\n', K)).toEqual({
      kind: 'invalid',
      reason: 'line 1: staging_status has value "GREEN"; allowed: PASSED, FAILED',
    });
  });

  it('a lowercase value is invalid, with a hint', () => {
    expect(parseVerdict('staging_status: passed\n', K)).toEqual({
      kind: 'invalid',
      reason: 'line 1: staging_status has value "passed"; allowed: PASSED, FAILED (values are case-sensitive: write PASSED)',
    });
  });

  it('an empty value is invalid', () => {
    expect(parseVerdict('staging_status:\n', K)).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('an empty value') });
  });

  it('a value followed by more words is invalid', () => {
    expect(parseVerdict('staging_status: PASSED (mostly)\n', K)).toMatchObject({ kind: 'invalid' });
  });

  it('conflicting values are invalid, listing each with its line', () => {
    expect(parseVerdict('staging_status: PASSED\n\nstaging_status: FAILED\n', K)).toEqual({
      kind: 'invalid',
      reason: 'conflicting staging_status values: PASSED (line 1), FAILED (line 3)',
    });
  });

  it('works for every registered key with each of its values', () => {
    for (const def of Object.values(VERDICT_KEYS)) {
      for (const value of def.values) expect(parseVerdict(`${def.key}: ${value}\n`, def.key)).toMatchObject({ kind: 'verdict', value });
    }
  });

  it('refuses a key that is not registered', () => {
    expect(() => parseVerdict('x', 'colour_status')).toThrow(expect.objectContaining({ code: ERROR_CODES.UNKNOWN_VERDICT_KEY }));
  });

  describe('a 1 MB artifact', () => {
    const logLines = (n: number) => Array.from({ length: n }, (_, i) => `PASS tests/t${i}.test.ts > case ${i} (3 ms)`).join('\n');
    const big = logLines(25_000);

    it('a verdict after a 1 MB fenced log', () => {
      const text = `# Staging log\n\n\`\`\`text\n${big}\nstaging_status: FAILED\n\`\`\`\n\nstaging_status: PASSED\n`;
      expect(text.length).toBeGreaterThan(1_000_000);
      expect(parseVerdict(text, K)).toMatchObject({ kind: 'verdict', value: 'PASSED' });
    });

    it('a verdict line before 1 MB of Markdown with many fences', () => {
      const chunk = '## Step\n\nSome *text* with `code`.\n\n```js\nconst status = 1;\n```\n\n- item\n- item\n\n';
      const text = `staging_status: PASSED\n\n${chunk.repeat(Math.ceil(1_000_000 / chunk.length))}`;
      expect(text.length).toBeGreaterThan(1_000_000);
      expect(parseVerdict(text, K)).toMatchObject({ kind: 'verdict', value: 'PASSED', line: 1 });
    });

    it('windows of the fence scan agree with one whole parse (block-dense text, copies inside fences)', () => {
      // Small windows so 10 kB needs dozens of them, some split inside a block.
      const chunk = '## Step\n\n- item\n  ```\n  x\n  ```\n\n```js\nstaging_status: FAILED\n```\n\n> quote\n\n    ```\n\npara\n';
      const text = `${chunk.repeat(Math.ceil(10_000 / chunk.length))}\nstaging_status: PASSED\n`;
      const lines = text.split('\n');
      const whole = new Set<number>();
      visit(fromMarkdown(text), 'code', (node) => {
        if (node.position) for (let l = node.position.start.line; l <= node.position.end.line; l++) whole.add(l - 1);
      });
      expect([...fencedLineIndexes(lines, 300)].sort((a, b) => a - b)).toEqual([...whole].sort((a, b) => a - b));
      expect(parseVerdict(text, K)).toMatchObject({ kind: 'verdict', value: 'PASSED', line: lines.length - 1 });
    });

    it('a fence after a window of blank lines still hides its verdict line', () => {
      expect(parseVerdict(`${'\n'.repeat(40_000)}\`\`\`\nstaging_status: PASSED\n\`\`\`\n`, K)).toEqual({ kind: 'missing' });
    });

    it('1 MB without any verdict line is missing', () => {
      expect(parseVerdict(`${big}\n${big.slice(0, 100)}`, K)).toEqual({ kind: 'missing' });
    });
  });
});
