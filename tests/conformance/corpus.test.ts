// The scanner on its labelled corpus (fixtures/llm-corpus): every `// expect:` label is found, and
// nothing else of the labelled kinds is. The bench (scripts/bench/scan-quality.ts) prints the same
// comparison as recall and precision per kind.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { listRepoFiles, parseGitignore } from '../../src/conformance/scan/gitignore.ts';
import { scanDirectory } from '../../src/conformance/scan/standalone.ts';
import { belowGoals, LABELLED_KINDS, readLabels, score } from '../../scripts/bench/lib/corpus-labels.ts';
import { REPO_ROOT } from './helpers.ts';

const CORPUS = join(REPO_ROOT, 'fixtures/llm-corpus');
const scan = await scanDirectory(CORPUS);
const labelled = new Set<string>(LABELLED_KINDS);

describe('the scanner on the labelled corpus', () => {
  it('finds exactly the labelled findings, kind by kind', () => {
    const files = listRepoFiles(CORPUS, { extensions: ['.ts', '.tsx', '.js'] });
    const labels = readLabels(CORPUS, files);
    const found = new Set(scan.findings.filter((f) => labelled.has(f.kind)).map((f) => `${f.file}:${f.line}:${f.kind}`));
    const scores = score(labels, found);
    expect(scores.flatMap((s) => [...s.missed.map((m) => `missed ${m}`), ...s.extra.map((x) => `extra ${x}`)])).toEqual([]);
    expect(belowGoals(scores)).toEqual([]);
    // The corpus is big enough to mean something.
    expect(Object.fromEntries(scores.map((s) => [s.kind, s.expected]))).toMatchObject({ 'sdk-call': expect.any(Number), 'sdk-import': expect.any(Number) });
    expect(scores.find((s) => s.kind === 'sdk-call')?.expected).toBeGreaterThanOrEqual(40);
  });

  it('reports one finding per call expression, with the SDK and the callee', () => {
    const at = new Set<string>();
    for (const f of scan.findings) {
      const key = `${f.file}:${f.line}:${f.column}`;
      expect(at.has(key), key).toBe(false);
      at.add(key);
    }
    expect(scan.findings.find((f) => f.file === 'src/workers/flow.ts' && f.kind === 'sdk-call' && f.callee.startsWith('chat.'))).toMatchObject({ sdk: 'groq-sdk', callee: 'chat.completions.create' });
    expect(scan.findings.find((f) => f.file === 'src/services/local-models.ts' && f.line === 24)).toMatchObject({ kind: 'llm-fetch', sdk: 'configured' });
    expect(scan.findings.find((f) => f.file === 'src/cli/review.ts' && f.line === 9)).toMatchObject({ kind: 'agent-spawn', sdk: 'claude', id: 'src/cli/review.ts#<module>:agent-spawn:0' });
  });

  it('leaves out what .gitignore excludes', () => {
    expect(scan.findings.some((f) => f.file.startsWith('generated/') || f.file.endsWith('.local.ts'))).toBe(false);
    expect(scan.configured).toBe(false);
  });
});

describe('.gitignore rules', () => {
  it('follow git: folders, anchors, globs, negation, nested files', () => {
    const root = mkdtempSync(join(tmpdir(), 'orch-gitignore-'));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    const put = (rel: string, text = 'export {};\n') => {
      mkdirSync(join(root, rel, '..'), { recursive: true });
      writeFileSync(join(root, rel), text);
    };
    put('.gitignore', 'dist/\n/build\n*.gen.ts\n!keep.gen.ts\nsrc/**/fixtures\n');
    put('src/a.ts');
    put('src/b.gen.ts');
    put('src/keep.gen.ts');
    put('dist/x.ts');
    put('lib/dist/y.ts');
    put('build/z.ts');
    put('lib/build/z.ts');
    put('src/deep/fixtures/f.ts');
    put('pkg/.gitignore', 'local.ts\n');
    put('pkg/local.ts');
    put('pkg/index.ts');
    put('src/types.d.ts');
    expect(listRepoFiles(root, { extensions: ['.ts'] })).toEqual(['lib/build/z.ts', 'pkg/index.ts', 'src/a.ts', 'src/keep.gen.ts']);
    expect(listRepoFiles(root, { extensions: ['.ts'], sources: ['src'] })).toEqual(['src/a.ts', 'src/keep.gen.ts']);
    expect(parseGitignore('# comment\n\n  \n')).toEqual([]);
  });
});
