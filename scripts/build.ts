// `npm run build` (and `prepare`, so `npm ci` runs it): compile the CLI to dist/ with esbuild, so
// bin/orch.js starts from JavaScript instead of transpiling ~200 TypeScript files through tsx on
// every start (docs/decisions.md, "A compiled CLI").
//
// One bundle per entry point (src/cli/main.ts for bin/orch.js, src/cli/program.ts for
// scripts/stage.ts), split into chunks so each command's lazy import stays lazy. The small pure-JS
// packages every command loads (BUNDLED: Kysely alone is ~300 ES modules, execa and zod ~100 each)
// are bundled in: resolving and compiling a module costs a start-up more than its code does. Every
// other package stays external and loads from node_modules as it is: native ones (better-sqlite3,
// pg), big ones loaded by one command (ts-morph, fastify), and tsx, the conformance loader's
// importer of the scanned repo's registries. package-lock.json is a build input, so a changed
// dependency stales the build. The build records the sha256 of every source it read, byte for byte
// as esbuild got it, plus this script and tsconfig.json; bin/build-state.js refuses a build whose
// sources have changed since. Each build lands in dist/<hash>/ and dist/current.json names it,
// replaced atomically, so a CLI starting during a rebuild runs either the old build or the new one.
//
// dist/<hash>/ts-parser.cjs is the scanner's cut of the TypeScript compiler (scripts/build-ts-parser.ts);
// the compiled code finds it through ORCH_BUILD_DIR, the folder of the build it runs from (the
// banner's `new URL(".", import.meta.url)`), which is undefined under tsx (src/conformance/scan/compiled.ts).
//
// `--if-stale` builds only when there is no current build. `--quiet` prints nothing on success.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import * as esbuild from 'esbuild';
import { buildState, hashContents, readCurrent, REPO_ROOT, type BuildRecord } from '../bin/build-state.js';
import { buildTsParser } from './build-ts-parser.ts';

/** The entry points, by output name: dist/<hash>/<name>.js. */
export const ENTRY_POINTS: Readonly<Record<string, string>> = Object.freeze({ main: 'src/cli/main.ts', program: 'src/cli/program.ts' });

/** Files that shape the output without being imported: a change to them stales the build too. */
export const BUILD_INPUTS: readonly string[] = Object.freeze(['scripts/build.ts', 'scripts/build-ts-parser.ts', 'tsconfig.json', 'package-lock.json']);

/** Packages compiled into the build; any other package is imported from node_modules at run time. */
export const BUNDLED: ReadonlySet<string> = new Set(['kysely', 'zod', 'execa', 'commander', 'shell-quote', 'yaml', 'unist-util-visit', 'mdast-util-from-markdown']);

/** The package a bare import names (`@scope/name` or `name`), or null for a relative or node: import. */
export function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

/**
 * Bundled packages may be CommonJS inside (commander, shell-quote, yaml, cross-spawn under execa):
 * their `require` of node's modules needs a real `require` in the ES module output.
 */
const REQUIRE_BANNER = "import { createRequire as __orchCreateRequire } from 'node:module';\nconst require = __orchCreateRequire(import.meta.url);";

/** The build's own folder, as a URL, for the files it ships beside its chunks (ts-parser.cjs). */
const BUILD_DIR_BANNER = 'const __orchBuildDir = new URL(".", import.meta.url);';

const LOADERS: Readonly<Record<string, esbuild.Loader>> = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.json': 'json' };

const posix = (path: string) => path.split(sep).join('/');

/**
 * A source's `import.meta.url`, `.dirname` and `.filename`, compiled to name the source file, not
 * the bundle chunk the code ends up in: the code finds docs/, fixtures/ and package.json relative
 * to itself, as it does under tsx. Every output file is in dist/<hash>/, two levels below the repo.
 * esbuild's define replaces the expressions (never a string or comment that merely spells them) by
 * names a banner binds to paths relative to the chunk; the result is JavaScript, with an inline
 * source map back to the source. A file that does not read import.meta comes back as it is.
 */
export async function rewriteImportMeta(text: string, fileFromRoot: string, loader: esbuild.Loader = 'ts', tsconfigRaw?: string): Promise<{ contents: string; loader: esbuild.Loader }> {
  if (loader === 'json' || !text.includes('import.meta')) return { contents: text, loader };
  const fromOut = `../../${posix(fileFromRoot)}`;
  const dirFromOut = posix(dirname(fromOut));
  const names = { url: '__orchMetaUrl', filename: '__orchMetaFilename', dirname: '__orchMetaDirname' } as const;
  const out = await esbuild.transform(text, {
    loader,
    sourcefile: fileFromRoot,
    sourcemap: 'inline',
    define: { 'import.meta.url': names.url, 'import.meta.filename': names.filename, 'import.meta.dirname': names.dirname },
    banner: [
      "import { fileURLToPath as __orchFileURLToPath } from 'node:url';",
      `const ${names.url} = new URL(${JSON.stringify(fromOut)}, import.meta.url).href;`,
      `const ${names.filename} = __orchFileURLToPath(${names.url});`,
      `const ${names.dirname} = __orchFileURLToPath(new URL(${JSON.stringify(dirFromOut)}, import.meta.url));`,
    ].join(' '),
    ...(tsconfigRaw !== undefined ? { tsconfigRaw } : {}),
  });
  return { contents: out.code, loader: loader === 'tsx' || loader === 'jsx' ? 'jsx' : 'js' };
}

export interface BuildResult {
  readonly record: BuildRecord;
  /** False when --if-stale found a current build and built nothing. */
  readonly built: boolean;
  readonly ms: number;
}

/** Build dist/ from the sources under `root` (this repo unless told). */
export async function buildCli(options: { root?: string; ifStale?: boolean } = {}): Promise<BuildResult> {
  const root = options.root ?? REPO_ROOT;
  const started = performance.now();
  if (options.ifStale) {
    const state = buildState(root);
    if (state.state === 'current') return { record: state.record, built: false, ms: performance.now() - started };
  }
  const dist = join(root, 'dist');
  mkdirSync(dist, { recursive: true });
  // The bytes esbuild compiled, keyed by repo-relative path: what the recorded hash covers.
  const read = new Map<string, Buffer>();
  for (const file of BUILD_INPUTS) read.set(file, readFileSync(join(root, file)));
  const tsconfigRaw = (read.get('tsconfig.json') as Buffer).toString('utf8');
  const capture: esbuild.Plugin = {
    name: 'orch-sources',
    setup(b) {
      // A bare import from our sources or a bundled package: bundled when its package is in
      // BUNDLED (and so is whatever that package imports), else left to node_modules.
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        const pkg = packageOf(args.path);
        if (pkg === null) return undefined;
        const fromBundled = args.importer.split(sep).includes('node_modules');
        return BUNDLED.has(pkg) || fromBundled ? undefined : { path: args.path, external: true };
      });
      b.onLoad({ filter: /.*/ }, async (args) => {
        const file = posix(relative(root, args.path));
        const loader = LOADERS[extname(args.path)];
        if (!loader || file.startsWith('..') || file.split('/').includes('node_modules')) return undefined;
        const bytes = readFileSync(args.path);
        read.set(file, bytes);
        return { ...(await rewriteImportMeta(bytes.toString('utf8'), file, loader, tsconfigRaw)), resolveDir: dirname(args.path) };
      });
    },
  };
  const tmp = join(dist, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await esbuild.build({
      absWorkingDir: root,
      entryPoints: { ...ENTRY_POINTS },
      outdir: tmp,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      banner: { js: `${REQUIRE_BANNER}\n${BUILD_DIR_BANNER}` },
      define: { ORCH_BUILD_DIR: '__orchBuildDir' },
      sourcemap: 'linked',
      chunkNames: 'chunk-[hash]',
      tsconfig: join(root, 'tsconfig.json'),
      logLevel: 'silent',
      plugins: [capture],
    });
    buildTsParser(join(tmp, 'ts-parser.cjs'));
    const files = [...read.keys()].sort();
    const hash = hashContents(files.map((f) => [f, read.get(f)]));
    const dir = hash.slice(0, 16);
    const record: BuildRecord = { hash, dir, files, builtAt: new Date().toISOString() };
    // Another build of the same sources may have landed first: its output is the same.
    if (existsSync(join(dist, dir))) rmSync(tmp, { recursive: true, force: true });
    else renameSync(tmp, join(dist, dir));
    const previous = readCurrent(dist);
    writeFileSync(join(dist, `current.json.${process.pid}`), `${JSON.stringify(record, null, 2)}\n`);
    renameSync(join(dist, `current.json.${process.pid}`), join(dist, 'current.json'));
    prune(dist, new Set([dir, previous?.dir ?? dir]));
    return { record, built: true, ms: performance.now() - started };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Remove builds other than `keep` (the new one and the one before, which a running CLI may still load chunks from). */
function prune(dist: string, keep: ReadonlySet<string>): void {
  for (const entry of readdirSync(dist, { withFileTypes: true })) {
    if (entry.isDirectory() && !entry.name.startsWith('.') && !keep.has(entry.name)) rmSync(join(dist, entry.name), { recursive: true, force: true });
  }
}

if (import.meta.filename === process.argv[1]) {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--if-stale' && a !== '--quiet');
  if (unknown.length > 0) {
    process.stderr.write(`scripts/build.ts: unknown argument ${unknown.join(' ')} (allowed: --if-stale, --quiet)\n`);
    process.exit(2);
  }
  try {
    const { record, built, ms } = await buildCli({ ifStale: args.includes('--if-stale') });
    if (!args.includes('--quiet')) {
      process.stdout.write(built ? `built dist/${record.dir} from ${record.files.length} files in ${Math.round(ms)} ms\n` : `dist/${record.dir} is current\n`);
    }
  } catch (error) {
    process.stderr.write(`scripts/build.ts: the build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
