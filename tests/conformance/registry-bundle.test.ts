// The registries of a scanned repo load from an esbuild bundle cached by the bytes of its inputs
// (src/conformance/model/bundle.ts), and from the sources through tsx wherever a bundle could
// behave otherwise. Small repos in temp dirs, a package of their own in node_modules, a cache dir
// of the test's own.
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { describe, expect, it, onTestFinished } from 'vitest';
import { bundleRegistries, type RegistryBundle, type Unbundled } from '../../src/conformance/model/bundle.ts';
import { createModelLoader } from '../../src/conformance/model/loader.ts';

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function repo(files: Record<string, string>): string {
  const root = tempDir('orch-registry-repo-');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

const BASE = {
  'package.json': '{ "name": "app", "type": "module" }',
  // A CommonJS package that requires one of node's modules: bundled in, with a working require.
  'node_modules/words/package.json': '{ "name": "words", "main": "index.js" }',
  'node_modules/words/index.js': "const { basename } = require('node:path');\nexports.ROLE = basename('/x/analyst');\n",
  'src/roles.ts': "import { ROLE } from 'words';\nimport { suffix } from './suffix.ts';\nexport const ROLES: readonly string[] = [ROLE + suffix, 'tester'];\n",
  'src/suffix.ts': "export const suffix = '';\n",
  'src/keys.ts': "import { suffix } from './suffix.ts';\nexport const KEYS = { review_status: 'PASSED' + suffix };\n",
};

const usable = (got: RegistryBundle | Unbundled): RegistryBundle => {
  if (!('modules' in got)) throw new Error(`expected a bundle, got: ${got.why}`);
  return got;
};

async function exportOf(got: RegistryBundle, file: string, name: string): Promise<unknown> {
  const mod = (await import(pathToFileURL(got.modules.get(file) as string).href)) as Record<string, unknown>;
  return mod[name];
}

describe('bundleRegistries', () => {
  it('builds once, then serves every run from the cache while no input changed', async () => {
    const root = repo(BASE);
    const cache = tempDir('orch-registry-cache-');
    const first = usable(await bundleRegistries(root, ['src/roles.ts', 'src/keys.ts'], { cache }));
    expect(first.from).toBe('build');
    expect(await exportOf(first, 'src/roles.ts', 'ROLES')).toEqual(['analyst', 'tester']);
    expect(await exportOf(first, 'src/keys.ts', 'KEYS')).toEqual({ review_status: 'PASSED' });
    const second = usable(await bundleRegistries(root, ['src/roles.ts', 'src/keys.ts'], { cache }));
    expect(second.from).toBe('cache');
    expect([...second.modules]).toEqual([...first.modules]);
  });

  it('rebuilds when a file the registries import changes, even one that is no registry, and a package file', async () => {
    const root = repo(BASE);
    const cache = tempDir('orch-registry-cache-');
    usable(await bundleRegistries(root, ['src/roles.ts'], { cache }));
    writeFileSync(join(root, 'src/suffix.ts'), "export const suffix = '-2';\n");
    const edited = usable(await bundleRegistries(root, ['src/roles.ts'], { cache }));
    expect(edited.from).toBe('build');
    expect(await exportOf(edited, 'src/roles.ts', 'ROLES')).toEqual(['analyst-2', 'tester']);
    writeFileSync(join(root, 'node_modules/words/index.js'), "exports.ROLE = 'architect';\n");
    const upgraded = usable(await bundleRegistries(root, ['src/roles.ts'], { cache }));
    expect(upgraded.from).toBe('build');
    expect(await exportOf(upgraded, 'src/roles.ts', 'ROLES')).toEqual(['architect-2', 'tester']);
    // Back to the first bytes: that variant is still in the cache.
    writeFileSync(join(root, 'src/suffix.ts'), BASE['src/suffix.ts']);
    writeFileSync(join(root, 'node_modules/words/index.js'), BASE['node_modules/words/index.js']);
    expect(usable(await bundleRegistries(root, ['src/roles.ts'], { cache })).from).toBe('cache');
  });

  it('shares one build between copies of a repo, unless a source reads import.meta: then each copy sees its own path', async () => {
    const cache = tempDir('orch-registry-cache-');
    const root = repo(BASE);
    const copy = tempDir('orch-registry-copy-');
    cpSync(root, copy, { recursive: true });
    usable(await bundleRegistries(root, ['src/roles.ts'], { cache }));
    expect(usable(await bundleRegistries(copy, ['src/roles.ts'], { cache })).from).toBe('cache');

    const located = { ...BASE, 'src/where.ts': "export const WHERE = { dir: import.meta.dirname, url: import.meta.url, file: import.meta.filename, text: 'import.meta.url' };\n" };
    const a = repo(located);
    const b = tempDir('orch-registry-copy-');
    cpSync(a, b, { recursive: true });
    for (const at of [a, b]) {
      const got = usable(await bundleRegistries(at, ['src/where.ts'], { cache }));
      expect(got.from).toBe('build');
      expect(await exportOf(got, 'src/where.ts', 'WHERE')).toEqual({ dir: join(at, 'src'), url: pathToFileURL(join(at, 'src/where.ts')).href, file: join(at, 'src/where.ts'), text: 'import.meta.url' });
    }
  });

  it("compiles a CommonJS package's __dirname to its own folder", async () => {
    const root = repo({
      ...BASE,
      'node_modules/data/package.json': '{ "name": "data", "main": "index.js" }',
      'node_modules/data/index.js': "exports.FILE = require('node:path').join(__dirname, 'data.json');\nexports.SELF = __filename;\n",
      'src/data.ts': "import { FILE, SELF } from 'data';\nexport const DATA = [FILE, SELF, '__dirname'];\n",
    });
    const got = usable(await bundleRegistries(root, ['src/data.ts'], { cache: tempDir('orch-registry-cache-') }));
    expect(await exportOf(got, 'src/data.ts', 'DATA')).toEqual([join(root, 'node_modules/data/data.json'), join(root, 'node_modules/data/index.js'), '__dirname']);
  });

  it('refuses a bundle whose code would resolve from the cache folder, and says why, once', async () => {
    const cache = tempDir('orch-registry-cache-');
    const root = repo({ ...BASE, 'src/resolve.ts': "export const HERE = import.meta.resolve('./suffix.ts');\n" });
    const why = { why: 'its code reads import.meta beyond url, dirname and filename' };
    expect(await bundleRegistries(root, ['src/resolve.ts'], { cache })).toEqual(why);
    // The verdict is cached like a build: asked again, the same answer from the one recorded variant.
    expect(await bundleRegistries(root, ['src/resolve.ts'], { cache })).toEqual(why);
    const [key] = readdirSync(cache);
    expect((JSON.parse(readFileSync(join(cache, key as string, 'index.json'), 'utf8')) as { variants: unknown[] }).variants).toHaveLength(1);
  });

  it('never reads bundles from a default cache folder that others can write, and says why', async () => {
    const parent = tempDir('orch-registry-tmp-');
    const folder = join(parent, `registry-bundles-orch-${process.getuid?.() ?? 0}`);
    mkdirSync(folder);
    chmodSync(folder, 0o777);
    const root = repo(BASE);
    const before = process.env.TMPDIR;
    process.env.TMPDIR = parent;
    try {
      expect(await bundleRegistries(root, ['src/roles.ts'])).toEqual({ why: `no bundle cache: ${folder} can be written by other users (mode 777)` });
      expect(readdirSync(folder)).toEqual([]);
      chmodSync(folder, 0o700);
      expect(usable(await bundleRegistries(root, ['src/roles.ts'])).from).toBe('build');
    } finally {
      process.env.TMPDIR = before;
    }
  });

  it('removes builds of file sets unused for a week and variants no index names, never one in use', async () => {
    const cache = tempDir('orch-registry-cache-');
    const root = repo(BASE);
    const week = Date.now() / 1000 - 8 * 24 * 3600;
    for (const name of ['stale-set', 'recent-set']) mkdirSync(join(cache, name));
    utimesSync(join(cache, 'stale-set'), week, week);
    usable(await bundleRegistries(root, ['src/roles.ts'], { cache }));
    expect(readdirSync(cache).sort()).toEqual([expect.any(String), 'recent-set'].sort());
    const [key] = readdirSync(cache).filter((d) => d !== 'recent-set');
    const set = join(cache, key as string);
    mkdirSync(join(set, 'orphan'));
    utimesSync(join(set, 'orphan'), week, week);
    writeFileSync(join(root, 'src/suffix.ts'), "export const suffix = '!';\n");
    const rebuilt = usable(await bundleRegistries(root, ['src/roles.ts'], { cache }));
    expect(readdirSync(set).filter((d) => d !== 'index.json')).toHaveLength(2);
    expect(await exportOf(rebuilt, 'src/roles.ts', 'ROLES')).toEqual(['analyst!', 'tester']);
  });

  it('names the file and line esbuild could not compile', async () => {
    const root = repo({ ...BASE, 'src/broken.ts': 'export const X = ;\n' });
    const got = await bundleRegistries(root, ['src/broken.ts'], { cache: tempDir('orch-registry-cache-') });
    expect(got).toEqual({ why: expect.stringMatching(/^esbuild cannot bundle them: src\/broken\.ts:1: /) });
  });
});

describe('createModelLoader', () => {
  it('gets each registry from the bundle, and from the sources through tsx where the bundle would differ', async () => {
    const root = repo({ ...BASE, 'src/resolve.ts': "export const HERE = [import.meta.resolve('./suffix.ts')];\n" });
    const bundleCache = tempDir('orch-registry-cache-');
    const loader = createModelLoader(root, { roles: 'src/roles.ts#ROLES', verdictKeys: 'src/keys.ts#KEYS' }, { bundleCache });
    expect(await loader.get('roles', z.array(z.string()))).toEqual(['analyst', 'tester']);
    expect(readdirSync(bundleCache)).toHaveLength(1);
    // import.meta.resolve through tsx resolves next to the source, as the code means it.
    const located = createModelLoader(root, { roles: 'src/resolve.ts#HERE' }, { bundleCache });
    const [resolved] = await located.get('roles', z.array(z.string()));
    // (tsx tags the URL with its namespace as a query)
    expect(resolved?.split('?')[0]).toBe(pathToFileURL(join(root, 'src/suffix.ts')).href);
  });

  it('reports a registry that cannot be compiled against its file, as before', async () => {
    const root = repo({ ...BASE, 'src/broken.ts': 'export const X = ;\n' });
    const loader = createModelLoader(root, { roles: 'src/broken.ts#X' }, { bundleCache: tempDir('orch-registry-cache-') });
    await expect(loader.get('roles', z.array(z.string()))).rejects.toThrow(/^src\/broken\.ts \(model\.roles\) cannot be loaded: /);
  });
});
