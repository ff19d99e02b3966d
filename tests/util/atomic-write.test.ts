import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { writeFileAtomic } from '../../src/util/atomic-write.ts';

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'orch-atomic-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('writeFileAtomic', () => {
  it('makes the folder, replaces an existing file whole and leaves no temp file', () => {
    const dir = tempDir();
    const path = join(dir, 'a', 'b', 'log.md');
    writeFileAtomic(path, 'first\n');
    writeFileAtomic(path, 'second\n');
    expect(readFileSync(path, 'utf8')).toBe('second\n');
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['log.md']);
  });

  it('leaves the old file and no temp file when the rename fails', () => {
    const dir = tempDir();
    // A non-empty folder at the target: rename(2) refuses to replace it.
    const path = join(dir, 'target');
    mkdirSync(path);
    writeFileSync(join(path, 'keep'), 'kept');
    expect(() => writeFileAtomic(path, 'new')).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readdirSync(dir)).toEqual(['target']);
    expect(readFileSync(join(path, 'keep'), 'utf8')).toBe('kept');
  });
});
