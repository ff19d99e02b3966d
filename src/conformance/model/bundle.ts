// The scanned repo's registries, compiled by esbuild into one native ES-module bundle and kept in
// a cache keyed by the bytes of every file that went into it. Importing the bundle costs a tenth
// of importing the same ~100 TypeScript files (and their packages' ~600 modules) one by one
// through tsx's loader thread, which was most of `orch drift`'s time (docs/decisions.md, "The
// registries load from a cached bundle").
//
// The bundle is used only where it is sure to behave as the sources do: every package bundled in
// (so nothing resolves from the cache folder) and no import left but node's own. A file's
// `import.meta.url`, `.dirname` and `.filename` (and a CommonJS package's `__dirname` and
// `__filename`) are compiled to the file's own location (esbuild's define, file by file), which
// binds that build to the repo's path; any other use of import.meta (`import.meta.resolve`) would
// work from the cache folder, so such a bundle is not used. Otherwise, or when esbuild cannot build it, the loader imports the sources
// through tsx as before: same values, only slower. A build's variants are found by the content of
// their inputs (and its root, when bound to it), so copies of one repo share one build.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, dirname, extname, join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { privateTempDir, type PrivateDir } from '../private-cache.ts';

export interface RegistryBundle {
  /** The compiled module (absolute path), by the registry file (relative to the root) it was built from. */
  readonly modules: ReadonlyMap<string, string>;
  /** 'cache' when every input matched a cached build, 'build' when esbuild ran now. */
  readonly from: 'cache' | 'build';
}

/** Why a bundle cannot stand in for the sources: the loader then imports them through tsx. */
export interface Unbundled {
  readonly why: string;
}

interface Variant {
  readonly id: string;
  /** [path relative to the root, sha1 of its bytes or "missing"], every file esbuild read. */
  readonly inputs: readonly (readonly [string, string])[];
  /** Registry file -> output file in the variant's folder; absent when the bundle is unusable. */
  readonly entries?: Readonly<Record<string, string>>;
  readonly why?: string;
  /** The root the build was made from, when a source's `import.meta` was compiled to its path. */
  readonly root?: string;
}

interface Index {
  readonly variants: readonly Variant[];
}

/** Variants kept per set of registry files: the repo as it is and a few edits of it. */
const MAX_VARIANTS = 8;
/** A variant folder no index names is removed once it is this old (a process may still import it). */
const ORPHAN_AGE_MS = 10 * 60_000;
/** A set of registry files not built for this long (another repo, an older orch) is removed. */
const UNUSED_AGE_MS = 7 * 24 * 3_600_000;
/** Bumped whenever what a build writes or checks changes, so older cached builds are not reused. */
const FORMAT = 3;
const REQUIRE_NAME = '__orchRegistryRequire';
const REQUIRE_BANNER = `import { createRequire as ${REQUIRE_NAME}Of } from 'node:module';\nconst require = ${REQUIRE_NAME}Of(import.meta.url);`;
const BUILTINS = new Set(builtinModules);
/** What is left of `import.meta` once url, dirname and filename are compiled in; its presence refuses the bundle. */
const IMPORT_META_LEFT = '__orchRegistryImportMetaLeft';
const RESOLUTION_CONFIGS = ['package.json', 'tsconfig.json'];

/**
 * The user's own folder of bundles under the temp dir, or why it cannot be used: one another user
 * owns, or others can write to, could hold a planted bundle, which drift would run.
 */
export function cacheDir(): PrivateDir {
  return privateTempDir('registry-bundles');
}

const sha1 = (data: string | Buffer) => createHash('sha1').update(data).digest('hex');

function hashFile(root: string, rel: string, memo: Map<string, string>): string {
  let hash = memo.get(rel);
  if (hash === undefined) {
    try {
      hash = sha1(readFileSync(join(root, rel)));
    } catch {
      hash = 'missing';
    }
    memo.set(rel, hash);
  }
  return hash;
}

function readIndex(file: string): Index {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Index;
    return Array.isArray(parsed.variants) ? parsed : { variants: [] };
  } catch {
    return { variants: [] };
  }
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Why esbuild's output cannot run from the cache folder as the sources run from the repo, or null. */
function locationBound(outputs: readonly { path: string; imports: readonly { path: string; external?: boolean }[] }[], outDir: string): string | null {
  for (const output of outputs) {
    const foreign = output.imports.find((i) => i.external && !i.path.startsWith('node:') && !BUILTINS.has(i.path));
    if (foreign) return `it imports ${foreign.path}, which esbuild left external`;
    if (readFileSync(join(outDir, output.path), 'utf8').includes(IMPORT_META_LEFT)) return 'its code reads import.meta beyond url, dirname and filename';
  }
  return null;
}

type Built = Pick<Variant, 'inputs' | 'entries' | 'why' | 'root'>;

const TS_LOADERS: Readonly<Record<string, 'ts' | 'tsx' | 'js' | 'jsx'>> = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.jsx': 'jsx' };

async function build(root: string, files: readonly string[], outDir: string): Promise<Built> {
  const esbuild = await import('esbuild');
  const names = files.map((_, i) => `registry-${i}`);
  const tsconfig = join(root, 'tsconfig.json');
  const tsconfigRaw = existsSync(tsconfig) ? readFileSync(tsconfig, 'utf8') : undefined;
  let bound = false;
  // A file that asks where it lives gets its own location compiled in, file by file: the sources'
  // `import.meta.url`/`.dirname`/`.filename`, a CommonJS package's `__dirname`/`__filename`.
  // Anything else of import.meta (`import.meta.resolve`) becomes LEFT, and the bundle is refused.
  const located: import('esbuild').Plugin = {
    name: 'orch-registry-location',
    setup(b) {
      b.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta') && !text.includes('__dirname') && !text.includes('__filename')) return undefined;
        const loader = TS_LOADERS[extname(args.path)] ?? 'js';
        const define = {
          'import.meta.url': JSON.stringify(pathToFileURL(args.path).href),
          'import.meta.dirname': JSON.stringify(dirname(args.path)),
          'import.meta.filename': JSON.stringify(args.path),
          'import.meta': IMPORT_META_LEFT,
          __dirname: JSON.stringify(dirname(args.path)),
          __filename: JSON.stringify(args.path),
        };
        const inRepo = !args.path.split(sep).includes('node_modules');
        const out = await esbuild.transform(text, { loader, define, sourcefile: args.path, ...(inRepo && tsconfigRaw !== undefined ? { tsconfigRaw } : {}) });
        bound = true;
        return { contents: out.code, loader: loader === 'tsx' || loader === 'jsx' ? 'jsx' : 'js', resolveDir: dirname(args.path) };
      });
    },
  };
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: files.map((file, i) => ({ in: join(root, file), out: names[i] as string })),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    banner: { js: REQUIRE_BANNER },
    metafile: true,
    write: true,
    logLevel: 'silent',
    plugins: [located],
  });
  const memo = new Map<string, string>();
  // The configs that steer resolution are inputs too, read or not (a new `paths` entry rebuilds).
  const inputs = [...new Set([...Object.keys(result.metafile.inputs), ...RESOLUTION_CONFIGS])]
    .sort()
    .map((rel) => [rel, hashFile(root, rel, memo)] as const);
  const outputs = Object.entries(result.metafile.outputs).map(([path, o]) => ({ path: path.slice(path.lastIndexOf('/') + 1), imports: o.imports }));
  const why = locationBound(outputs, outDir);
  const at = bound ? { root } : {};
  if (why !== null) return { inputs, why, ...at };
  return { inputs, entries: Object.fromEntries(files.map((file, i) => [file, `${names[i]}.mjs`])), ...at };
}

/** esbuild's first error, with the file and line it names. */
function buildError(error: unknown): string {
  const first = (error as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors?.[0];
  if (first) return first.location ? `${first.location.file}:${first.location.line}: ${first.text}` : first.text;
  return error instanceof Error ? error.message : String(error);
}

/** Remove the folders in `dir` not in `keep` and not modified for `age` ms. */
function prune(dir: string, keep: ReadonlySet<string>, age: number): void {
  const now = Date.now();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || keep.has(entry.name)) continue;
    const path = join(dir, entry.name);
    try {
      if (now - statSync(path).mtimeMs > age) rmSync(path, { recursive: true, force: true });
    } catch {
      // Removed by another process meanwhile.
    }
  }
}

/**
 * The registries `files` (relative to `root`, all existing) as one bundle: from the cache when
 * every input is byte for byte what it was built from, else built now. An Unbundled result says
 * why the sources must be imported as they are; a build error is one too (tsx then reports the
 * error against the file it is in).
 */
export async function bundleRegistries(root: string, files: readonly string[], options: { cache?: string } = {}): Promise<RegistryBundle | Unbundled> {
  const folder = options.cache === undefined ? cacheDir() : { dir: options.cache };
  if (folder.refused) return { why: `no bundle cache: ${folder.refused}` };
  const base = join(folder.dir, sha1(JSON.stringify([FORMAT, process.version, process.arch, [...files].sort()])).slice(0, 16));
  const indexFile = join(base, 'index.json');
  const index = readIndex(indexFile);
  const memo = new Map<string, string>();
  const hit = index.variants.find((v) => (v.root === undefined || v.root === root) && v.inputs.every(([rel, hash]) => hashFile(root, rel, memo) === hash) && (v.entries === undefined || existsSync(join(base, v.id))));
  const modules = (v: Pick<Variant, 'entries'>, id: string) => new Map(Object.entries(v.entries ?? {}).map(([file, out]) => [file, join(base, id, out)]));
  if (hit) return hit.entries ? { modules: modules(hit, hit.id), from: 'cache' } : { why: hit.why ?? 'unusable' };

  mkdirSync(base, { recursive: true });
  const tmp = join(base, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    let built: Built;
    try {
      built = await build(root, files, tmp);
    } catch (error) {
      return { why: `esbuild cannot bundle them: ${buildError(error)}` };
    }
    const id = sha1(JSON.stringify([built.root ?? null, built.inputs])).slice(0, 16);
    if (built.entries && !existsSync(join(base, id))) {
      try {
        renameSync(tmp, join(base, id));
      } catch {
        // Another process landed the same variant first: its output is the same.
      }
    }
    const variant: Variant = { id, ...built };
    // Re-read: a concurrent process may have added its own variant meanwhile.
    const now = readIndex(indexFile).variants.filter((v) => v.id !== id);
    const variants = [variant, ...now].slice(0, MAX_VARIANTS);
    writeAtomically(indexFile, `${JSON.stringify({ variants })}\n`);
    prune(base, new Set(variants.map((v) => v.id)), ORPHAN_AGE_MS);
    prune(dirname(base), new Set([basename(base)]), UNUSED_AGE_MS);
    return built.entries ? { modules: modules(built, id), from: 'build' } : { why: built.why ?? 'unusable' };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
