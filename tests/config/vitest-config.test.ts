// The suite shares module registries between test files for speed, so no file may mock one of our
// modules: its mock would meet an already-imported module and silently not apply.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { E2E_TEST_FILES } from '../../vitest.config.ts';

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
  it('has no test file that calls vi.mock', () => {
    const files = testFiles(join(ROOT, 'tests'));
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter((f) => readFileSync(join(ROOT, f), 'utf8').includes(MOCK_CALL))).toEqual([]);
  });
});

describe('the two tiers', () => {
  it('npm test leaves the e2e files out, and npm run test:e2e runs exactly them', async () => {
    const config = (await import('../../vitest.config.ts')).default as { test: { projects: { test: { name: string; include?: string[]; exclude?: string[] } }[] } };
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.test).toBe("vitest run --project '!e2e'");
    expect(pkg.scripts['test:e2e']).toBe('vitest run --project e2e');
    const e2e = testFiles(join(ROOT, 'tests')).filter((f) => f.endsWith('.e2e.test.ts'));
    expect(e2e.length).toBeGreaterThan(0);
    for (const project of config.test.projects) {
      if (project.test.name === 'e2e') expect(project.test.include).toEqual(E2E_TEST_FILES);
      else expect(project.test.exclude).toEqual(expect.arrayContaining(E2E_TEST_FILES));
    }
  });
});
