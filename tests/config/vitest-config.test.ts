// The suite shares module registries between test files for speed; a file that mocks one of our
// modules must run isolated, or its mock would meet an already-imported module and silently not apply.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ISOLATED_TEST_FILES } from '../../vitest.config.ts';

const ROOT = join(import.meta.dirname, '..', '..');
// Spelled in two parts so this file does not count as one that mocks.
const MOCK_CALL = ['vi', 'mock('].join('.');

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return testFiles(path);
    return e.name.endsWith('.test.ts') ? [relative(ROOT, path)] : [];
  });
}

describe('vitest config', () => {
  it('runs every test file that calls vi.mock in the isolated project', () => {
    const mocking = testFiles(join(ROOT, 'tests')).filter((f) => readFileSync(join(ROOT, f), 'utf8').includes(MOCK_CALL));
    expect(mocking.length).toBeGreaterThan(0);
    expect(mocking.filter((f) => !ISOLATED_TEST_FILES.includes(f))).toEqual([]);
  });
});
