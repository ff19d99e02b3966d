// The cache of `orch scan`: unchanged files come from the cache, and nothing the cache holds outlives
// what it was made from: the file's bytes, the answers other files gave it, the scan's settings.
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { privateTempDir } from '../../src/conformance/private-cache.ts';
import { ScanCache, sourcesIdentity } from '../../src/conformance/scan/cache.ts';
import { scanDirectory, type DirectoryScan } from '../../src/conformance/scan/standalone.ts';
import { REPO_ROOT, orch, tempRepo, type TempRepo } from './helpers.ts';

const CORPUS = join(REPO_ROOT, 'fixtures/llm-corpus');
const CORPUS_PARTS = ['src', 'generated', '.gitignore', 'tsconfig.json', 'package.json'];
const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.remove();
});
const fresh = (parts: readonly string[] = CORPUS_PARTS, from = CORPUS) => {
  const r = tempRepo(from, parts);
  repos.push(r);
  return r;
};
/** An app of two modules: lib/ai.ts makes what app/route.ts calls. */
const app = (lib: string) => {
  const r = fresh([]);
  r.write('package.json', '{ "name": "app", "private": true }\n');
  r.write('src/lib/ai.ts', lib);
  r.write('src/app/route.ts', "import { client } from '../lib/ai';\nexport async function POST(q: string) {\n  return client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: q }] });\n}\n");
  return r;
};
/**
 * A TMPDIR of the test's own for the rest of it: the run's default cache folder is shared with the
 * test files other workers run meanwhile, which must never see it made writable by others.
 */
const ownTmp = (): string => {
  const dir = fresh([]).root;
  const before = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  onTestFinished(() => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  });
  return dir;
};
const sdkCalls = (s: DirectoryScan) => s.findings.filter((f) => f.kind === 'sdk-call').map((f) => `${f.file}:${f.line}`);
const strip = (s: DirectoryScan) => ({ findings: s.findings, problems: s.problems, files: s.files, parsed: s.parsed });

describe('the scan cache', () => {
  it('answers from the cache on the second run with exactly the findings of a scan without it', async () => {
    const r = fresh();
    const cacheFile = join(r.root, '.cache/scan.json');
    const plain = await scanDirectory(r.root);
    const first = await scanDirectory(r.root, { cache: cacheFile });
    expect(first.cache).toMatchObject({ file: cacheFile, hits: 0, misses: plain.parsed, note: null });
    const second = await scanDirectory(r.root, { cache: cacheFile });
    expect(second.cache).toMatchObject({ hits: plain.parsed, misses: 0, note: null });
    expect(strip(first)).toEqual(strip(plain));
    expect(strip(second)).toEqual(strip(plain));
    expect(plain.findings.length).toBe(100);
  });

  it('parses again only the files whose bytes changed, and drops deleted ones', async () => {
    const r = fresh();
    const cacheFile = join(r.root, '.cache/scan.json');
    await scanDirectory(r.root, { cache: cacheFile });
    r.edit('src/services/providers.ts', 'const mistral = new Mistral', '// moved down\n\nconst mistral = new Mistral');
    r.write('src/app/api/new/route.ts', "import OpenAI from 'openai';\nexport const GET = () => new OpenAI().responses.create({ model: 'gpt-4o', input: 'x' });\n");
    const again = await scanDirectory(r.root, { cache: cacheFile });
    expect(again.cache).toMatchObject({ misses: 2, hits: again.parsed - 2 });
    expect(strip(again)).toEqual(strip(await scanDirectory(r.root)));
    expect(sdkCalls(again)).toContain('src/app/api/new/route.ts:2');
    r.write('src/app/api/new/route.ts', 'export const GET = () => 1;\n');
    await scanDirectory(r.root, { cache: cacheFile });
    const stored = JSON.parse(readFileSync(cacheFile, 'utf8')) as { files: Record<string, unknown> };
    expect(Object.keys(stored.files)).not.toContain('src/app/api/new/route.ts');
    expect(Object.keys(stored.files)).toContain('src/services/providers.ts');
  });

  it('analyses an unchanged file again when what a module it imports exports changes (no false green)', async () => {
    const client = "import OpenAI from 'openai';\nexport const client = new OpenAI();\n";
    const r = app(client);
    const cacheFile = join(r.root, 'scan-cache.json');
    expect(sdkCalls(await scanDirectory(r.root, { cache: cacheFile }))).toEqual(['src/app/route.ts:3']);
    // The module still makes a client, under another name: route.ts (unchanged) calls something else now.
    r.write('src/lib/ai.ts', "import OpenAI from 'openai';\nexport const admin = new OpenAI();\nexport const client = { chat: { completions: { create: async (x: unknown) => x } } };\n");
    const fake = await scanDirectory(r.root, { cache: cacheFile });
    expect(sdkCalls(fake)).toEqual([]);
    expect(fake.cache).toMatchObject({ hits: 0, misses: 2 });
    // And back: the cached "no call" of route.ts must not hide the call once `client` is a client again.
    r.write('src/lib/ai.ts', client);
    const back = await scanDirectory(r.root, { cache: cacheFile });
    expect(sdkCalls(back)).toEqual(['src/app/route.ts:3']);
    expect(strip(back)).toEqual(strip(await scanDirectory(r.root)));
  });

  it('follows the transport through an unchanged caller when a barrel stops or starts re-exporting it', async () => {
    const r = fresh([]);
    r.write('src/llm/transport.ts', "import { execa } from 'execa';\n/** @llmTransport */\nexport async function send(role: string) {\n  return execa('claude', ['-p', role]);\n}\n");
    r.write('src/llm/index.ts', "export { send } from './transport';\n");
    r.write('src/jobs/review.ts', "import { send } from '../llm';\nexport const review = () => send('reviewer');\n");
    const cacheFile = join(r.root, 'scan-cache.json');
    const calls = (s: DirectoryScan) => s.findings.filter((f) => f.kind === 'transport-call').map((f) => f.file);
    expect(calls(await scanDirectory(r.root, { cache: cacheFile }))).toEqual(['src/jobs/review.ts']);
    r.write('src/llm/index.ts', 'export const nothing = 1;\n');
    expect(calls(await scanDirectory(r.root, { cache: cacheFile }))).toEqual([]);
    r.write('src/llm/index.ts', "export { send } from './transport';\n");
    const back = await scanDirectory(r.root, { cache: cacheFile });
    expect(calls(back)).toEqual(['src/jobs/review.ts']);
    expect(strip(back)).toEqual(strip(await scanDirectory(r.root)));
  });

  it('starts empty when the settings, the version or the bytes of the cache file do not fit; says so only for damage', async () => {
    const r = app("import OpenAI from 'openai';\nexport const client = new OpenAI();\n");
    const cacheFile = join(r.root, 'scan-cache.json');
    await scanDirectory(r.root, { cache: cacheFile });
    // Other settings: the repo's harness config lists other SDKs.
    r.write('orch.conformance.json', JSON.stringify({ sources: ['src'], llm: { sdks: ['@anthropic-ai/sdk'] } }));
    const other = await scanDirectory(r.root, { cache: cacheFile });
    expect(other.cache).toMatchObject({ hits: 0, note: null });
    expect(sdkCalls(other)).toEqual([]);
    rmSync(join(r.root, 'orch.conformance.json'));
    writeFileSync(cacheFile, '{"version": 1, "key": "x", "files": {');
    const broken = await scanDirectory(r.root, { cache: cacheFile });
    expect(broken.cache).toMatchObject({ hits: 0, misses: 2, note: 'the cache was not used: not valid JSON' });
    expect(sdkCalls(broken)).toEqual(['src/app/route.ts:3']);
    expect(JSON.parse(readFileSync(cacheFile, 'utf8')).version).toBe(1);
    writeFileSync(cacheFile, JSON.stringify({ version: 99, files: {} }));
    expect((await scanDirectory(r.root, { cache: cacheFile })).cache).toMatchObject({ hits: 0, misses: 2, note: null });
    expect((await scanDirectory(r.root, { cache: cacheFile })).cache).toMatchObject({ hits: 2, misses: 0, note: null });
  });

  it('treats an entry it cannot read back as a miss, never as a result', async () => {
    const r = app("import OpenAI from 'openai';\nexport const client = new OpenAI();\n");
    const cacheFile = join(r.root, 'scan-cache.json');
    const before = await scanDirectory(r.root, { cache: cacheFile });
    const stored = JSON.parse(readFileSync(cacheFile, 'utf8'));
    for (const entry of Object.values(stored.files) as Array<{ steps: Record<string, { value: { findings?: unknown[]; exports?: unknown[] } }> }>) {
      for (const step of Object.values(entry.steps)) {
        if (step.value.findings) step.value.findings = [{ kind: 'sdk-call', line: 'one' }];
        if (step.value.exports) step.value.exports = [['client', [{ kind: 'instance', module: 'openai', rules: 'no-such-rules', handle: 'client', path: [] }]]];
      }
    }
    writeFileSync(cacheFile, JSON.stringify(stored));
    const after = await scanDirectory(r.root, { cache: cacheFile });
    expect(after.cache).toMatchObject({ hits: 0, misses: 2 });
    expect(strip(after)).toEqual(strip(before));
  });

  it('keeps the result when the cache cannot be written, and says so', async () => {
    const r = app("import OpenAI from 'openai';\nexport const client = new OpenAI();\n");
    r.write('blocker', 'a file where the cache folder should be\n');
    const s = await scanDirectory(r.root, { cache: join(r.root, 'blocker/scan-cache.json') });
    expect(sdkCalls(s)).toEqual(['src/app/route.ts:3']);
    expect(s.cache?.note).toMatch(/^the cache could not be written to .*blocker\/scan-cache\.json: E(EXIST|NOTDIR)\b/);
  });

  it('tells builds of the scanner apart by their sources, also in a copy without a lockfile', () => {
    const r = fresh([]);
    r.write('src/a.ts', 'export const a = 1;\n');
    const bare = sourcesIdentity(r.root);
    r.write('src/a.ts', 'export const a = 2;\n');
    const edited = sourcesIdentity(r.root);
    r.write('package-lock.json', '{"lockfileVersion": 3}\n');
    const locked = sourcesIdentity(r.root);
    expect(new Set([bare, edited, locked]).size).toBe(3);
    expect(sourcesIdentity(r.root)).toBe(locked);
  });

  it('is bound to the build of the scanner that wrote it', () => {
    const r = fresh([]);
    const file = join(r.root, 'c.json');
    const a = ScanCache.open(file, { s: 1 });
    a.get('x.ts', 'text', 'step', { encode: (v: number) => v, decode: (d) => (typeof d === 'number' ? d : undefined) }, () => '', () => 1);
    a.save();
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...stored, key: `${stored.key}0` }));
    expect(ScanCache.open(file, { s: 1 }).discarded).toBe('written by another build of the scanner or with other settings');
    writeFileSync(file, JSON.stringify(stored));
    expect(ScanCache.open(file, { s: 1 }).discarded).toBeNull();
  });
});

describe('the cache of orch scan on the command line', () => {
  it('is on by default, in the user\'s own folder under the temp dir; --cache-location moves it, --no-cache turns it off', async () => {
    const r = app("import OpenAI from 'openai';\nexport const client = new OpenAI();\n");
    const first = await orch(['scan', r.root]);
    expect([first.code, first.out.split('\n').at(-2)]).toEqual([1, expect.stringMatching(/^orch scan: 2 findings \(2 files, 2 parsed, 0 from the cache, \d+ ms\)$/)]);
    const second = JSON.parse((await orch(['scan', r.root, '--json'])).out);
    const folder = join(tmpdir(), `scan-cache-orch-${process.getuid?.() ?? 0}`);
    expect(second.cache).toEqual({ file: expect.stringMatching(new RegExp(`^${folder}/[0-9a-f]{16}\\.json$`)), hits: 2, misses: 0, note: null });
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(readdirSync(r.root)).not.toContain('.cache');
    const off = JSON.parse((await orch(['scan', r.root, '--json', '--no-cache'])).out);
    expect(Object.keys(off)).toEqual(['findings', 'files', 'parsed', 'ms', 'problems']);
    const elsewhere = join(r.root, 'caches');
    mkdirSync(elsewhere);
    const located = await orch(['scan', r.root, '--cache-location', elsewhere, '--json']);
    expect(JSON.parse(located.out).cache).toMatchObject({ file: join(elsewhere, 'orch-scan-cache.json'), hits: 0 });
    const both = await orch(['scan', r.root, '--no-cache', '--cache-location', elsewhere]);
    expect([both.code, both.err]).toEqual([2, 'orch: --no-cache and --cache-location cannot be used together: drop one\n']);
    const empty = await orch(['scan', r.root, '--cache-location', ' ']);
    expect([empty.code, empty.err]).toEqual([2, 'orch: --cache-location: empty path (give the cache file, or a folder to keep it in)\n']);
    const unwritable = await orch(['scan', r.root, '--cache-location', join(r.root, 'src/lib/ai.ts/x.json')]);
    expect(unwritable.code).toBe(1);
    expect(unwritable.err).toMatch(/^orch scan: the cache could not be written to .*ai\.ts\/x\.json: E(EXIST|NOTDIR)\b/);
  });

  it('serves orch drift too, with the same findings; --no-cache turns it off there', async () => {
    const r = fresh();
    r.write('orch.conformance.json', '{"sources": ["."]}\n');
    const tally = (out: string) => out.split('\n').at(-2) ?? '';
    const first = await orch(['drift', '--root', r.root]);
    const second = await orch(['drift', '--root', r.root]);
    expect(tally(first.out)).toBe('orch drift: 98 findings (0 blocks, 0 docs, 28 source files scanned (26 parsed, 0 from the cache))');
    expect(tally(second.out)).toBe('orch drift: 98 findings (0 blocks, 0 docs, 28 source files scanned (0 parsed, 26 from the cache))');
    expect(second.out.split('\n').slice(0, -2)).toEqual(first.out.split('\n').slice(0, -2));
    const off = await orch(['drift', '--root', r.root, '--no-cache']);
    expect(tally(off.out)).toBe('orch drift: 98 findings (0 blocks, 0 docs, 28 source files scanned (26 parsed))');
  });

  it('removes the cache files of repos not scanned for two weeks', async () => {
    const r = app("import OpenAI from 'openai';\nexport const client = new OpenAI();\n");
    const { dir } = privateTempDir('scan-cache', ownTmp());
    const stale = join(dir, '0000000000000000.json');
    const recent = join(dir, '1111111111111111.json');
    writeFileSync(stale, '{}');
    writeFileSync(recent, '{}');
    const old = new Date(Date.now() - 15 * 24 * 3600 * 1000);
    utimesSync(stale, old, old);
    await orch(['scan', r.root]);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(recent)).toBe(true);
  });

  it('never uses a cache folder that others can write or that another user owns', async () => {
    const parent = fresh([]).root;
    const open = join(parent, `scan-cache-orch-${process.getuid?.() ?? 0}`);
    mkdirSync(open);
    chmodSync(open, 0o777);
    expect(privateTempDir('scan-cache', parent).refused).toBe(`${open} can be written by other users (mode 777)`);
    chmodSync(open, 0o755);
    expect(privateTempDir('scan-cache', parent).refused).toBeUndefined();
    if (process.getuid?.() === 0) {
      chownSync(open, 4242, 4242);
      expect(privateTempDir('scan-cache', parent).refused).toBe(`${open} belongs to another user (uid 4242)`);
    }
    // What orch scan does then: the scan runs without a cache and says why.
    const r = app("import OpenAI from 'openai';\nexport const client = new OpenAI();\n");
    const shared = join(ownTmp(), `scan-cache-orch-${process.getuid?.() ?? 0}`);
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    const s = await scanDirectory(r.root, { cache: 'default' });
    expect(sdkCalls(s)).toEqual(['src/app/route.ts:3']);
    expect(s.cache).toMatchObject({ hits: 0, misses: 0, note: `no cache: ${shared} can be written by other users (mode 777)` });
  });
});
