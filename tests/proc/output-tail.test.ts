import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeTail, readTail } from '../../src/proc/output-tail.ts';
import { tempDir } from './helpers.ts';

describe('decodeTail', () => {
  it('drops the remains of a character split by the cut', () => {
    const euro = Buffer.from('€uro'); // e2 82 ac 75 72 6f
    expect(decodeTail(euro.subarray(1), true)).toBe('uro');
    expect(decodeTail(euro.subarray(2), true)).toBe('uro');
  });

  it('replaces invalid UTF-8 instead of throwing, and keeps binary bytes', () => {
    expect(decodeTail(Buffer.from([0x61, 0xff, 0x00, 0x62]), false)).toBe('a\uFFFD\u0000b');
    expect(decodeTail(Buffer.from([0x80, 0x61]), false)).toBe('\uFFFDa');
  });
});

describe('readTail', () => {
  let dir: ReturnType<typeof tempDir>;
  afterEach(() => dir.remove());

  it('returns only what this run wrote after its offset, at most maxBytes of it', () => {
    dir = tempDir();
    const path = join(dir.path, 'out.log');
    writeFileSync(path, 'earlier run\n');
    appendFileSync(path, 'x'.repeat(100) + 'END');
    expect(readTail(path, 12, 1_000)).toEqual({ text: 'x'.repeat(100) + 'END', bytes: 103, truncated: false });
    expect(readTail(path, 12, 5)).toEqual({ text: 'xxEND', bytes: 103, truncated: true });
    expect(readTail(path, 115, 5)).toEqual({ text: '', bytes: 0, truncated: false });
  });
});
