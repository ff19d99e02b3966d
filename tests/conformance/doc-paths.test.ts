// Docs name real paths: inline code and links under the configured prefixes must exist. Read from
// the Markdown tree, so fenced examples, placeholders and prose never count.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { resolveHarnessConfig } from '../../src/conformance/config/load.ts';
import { checkDocPaths, inlineCodePaths, linkPath } from '../../src/conformance/doc-paths.ts';
import { checkDrift } from '../../src/conformance/engine.ts';
import { ConfigError } from '../../src/errors.ts';

const PREFIXES = ['src/', 'scripts/', 'fixtures/'];

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'orch-doc-paths-'));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const DOC = [
  '# Staging', // 1
  '',
  'The runner is `src/staging/agent.ts`, beside `src/staging/runner.ts` and `src/staging/`.', // 3
  'Run `tsx scripts/gone.ts --json`; blocks live in `src/conformance/blocks/<name>.ts`.', // 4
  'See [the runner](../src/staging/runner.ts) and [the old one](../src/staging/old.ts#L3), or [the web](https://example.com/src/x.ts).', // 5
  'A config example: `{ "symbol": "src/llm/client.ts#ask" }`, a marker `src/staging/runner.ts#runStagingJob`.', // 6
  '',
  '```ts',
  "import { x } from '../src/nowhere.ts';", // fenced: never a finding
  '```',
  '',
  'Also `src/staging/*.ts`, `lib/none.ts` and `fixtures/pg/server.ts`.', // 12
].join('\n');

describe('checkDocPaths', () => {
  it('reports each missing path with its doc position, and nothing else', () => {
    const root = repo({ 'src/staging/runner.ts': '', 'fixtures/pg/server.ts': '' });
    const found = checkDocPaths(root, 'docs/staging.md', DOC, PREFIXES);
    expect(found.map((d) => `${d.line}:${d.column} ${d.ruleId} ${d.message}`)).toEqual([
      '3:15 doc-path-missing `src/staging/agent.ts` names src/staging/agent.ts, which does not exist; write the path that holds it now, or drop the reference',
      '4:5 doc-path-missing `tsx scripts/gone.ts --json` names scripts/gone.ts, which does not exist; write the path that holds it now, or drop the reference',
      '5:48 doc-path-missing the link to ../src/staging/old.ts#L3 names src/staging/old.ts, which does not exist; write the path that holds it now, or drop the reference',
    ]);
    expect(found.every((d) => d.file === 'docs/staging.md')).toBe(true);
  });

  it('is off without prefixes', () => {
    expect(checkDocPaths(repo({}), 'docs/a.md', DOC, [])).toEqual([]);
  });
});

describe('the pieces', () => {
  it.each([
    ['src/a.ts', ['src/a.ts']],
    ['src/a.ts#f', ['src/a.ts']],
    ['src/a.ts:12', ['src/a.ts']],
    ['src/a/', ['src/a/']],
    ['npx tsx scripts/bench/scan.ts', ['scripts/bench/scan.ts']],
    ['npm run stage -- src/a.ts', []],
    ['src/{a,b}.ts', []],
    ['src/$X.ts', []],
    ['docs/a.md', []],
  ])('inline code %j names %j', (value, paths) => {
    expect(inlineCodePaths(value, PREFIXES)).toEqual(paths);
  });

  it.each([
    ['../src/a.ts', 'docs/x.md', 'src/a.ts'],
    ['../../src/a.ts#L1', 'docs/architecture/x.md', 'src/a.ts'],
    ['other.md', 'docs/x.md', 'docs/other.md'],
    ['#anchor', 'docs/x.md', null],
    ['https://host/src/a.ts', 'docs/x.md', null],
    ['../../../outside.ts', 'docs/x.md', null],
  ])('link %j from %s points at %j', (url, doc, path) => {
    expect(linkPath(url, doc)).toBe(path);
  });
});

describe('in the harness', () => {
  it('orch drift reports a stale path when docPaths is set, and the config refuses a prefix that is not a folder', async () => {
    const root = repo({ 'docs/a.md': 'Read `src/gone.ts`.\n', 'src/here.ts': 'export const x = 1;\n' });
    const on = await checkDrift(resolveHarnessConfig(root, { docPaths: { prefixes: ['src/'] } }));
    expect(on.diagnostics.map((d) => `${d.file}:${d.line} ${d.ruleId}`)).toEqual(['docs/a.md:1 doc-path-missing']);
    const off = await checkDrift(resolveHarnessConfig(root, {}));
    expect(off.diagnostics).toEqual([]);
    expect(() => resolveHarnessConfig(root, { docPaths: { prefixes: ['src'] } })).toThrow(ConfigError);
  });
});
