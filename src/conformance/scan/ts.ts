// The TypeScript compiler the scanner parses with: the copy ts-morph bundles, loaded on its own.
// The scan needs only the parser; ts-morph's project layer (and its embedded lib files) would add
// to the start-up cost of every fresh `orch scan`. Its types are ts-morph's (`import type { ts as
// TS } from 'ts-morph'` where a module names node types).
//
// A fresh `orch scan` spends most of its start on this 9 MB file, so it is loaded the way Node
// loads CommonJS, but straight through vm.Script: not through tsx's require hooks (which lex the
// whole file looking for ESM syntax), and with V8's code cache kept under the temp dir between
// runs (Node 20 has no module.enableCompileCache). It lands in require's cache under its own
// path, so ts-morph, when something else loads it, uses this very module. Any failure here falls
// back to a plain require.
//
// The compiled CLI ships a cut of that file with the parser only (dist/<hash>/ts-parser.cjs, 1.5 MB
// instead of 9, scripts/build-ts-parser.ts); it is loaded the same way. A name the cut left out
// (`__absent`) loads the full compiler on first use, so nothing the types allow can be missing.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import vm from 'node:vm';
import type { ts as TypeScript } from 'ts-morph';
import { compiledFile } from './compiled.ts';
import { privateTempDir } from '../private-cache.ts';

const fromTsMorph = createRequire(createRequire(import.meta.url).resolve('ts-morph'));
const FULL = fromTsMorph.resolve('@ts-morph/common/dist/typescript.js');

interface CjsModule {
  exports: unknown;
  filename: string;
  loaded: boolean;
  paths: string[];
}
const internals = Module as unknown as { _cache: Record<string, CjsModule>; _nodeModulePaths(dir: string): string[]; wrap(src: string): string; new (id: string): CjsModule };

function loadWithCodeCache(file: string): typeof TypeScript {
  const cached = internals._cache[file];
  if (cached) return cached.exports as typeof TypeScript;
  const source = readFileSync(file, 'utf8');
  const st = statSync(file);
  // Only from the user's own folder: V8 runs what a code cache holds, so one planted in a folder
  // others can write would run as orch. Without that folder, no code cache.
  const folder = privateTempDir('v8-cache');
  const cacheFile = folder.refused ? undefined : join(folder.dir, `${createHash('sha1').update(`${file}\0${st.size}\0${st.mtimeMs}\0${process.version}\0${process.arch}`).digest('hex')}.bin`);
  let data: Buffer | undefined;
  try {
    data = cacheFile === undefined ? undefined : readFileSync(cacheFile);
  } catch {
    data = undefined;
  }
  const script = new vm.Script(internals.wrap(source), { filename: file, ...(data ? { cachedData: data } : {}) });
  const mod = new internals(file);
  mod.filename = file;
  mod.paths = internals._nodeModulePaths(dirname(file));
  const require = createRequire(file);
  (script.runInThisContext() as (...a: unknown[]) => void).call(mod.exports, mod.exports, require, mod, file, dirname(file));
  mod.loaded = true;
  internals._cache[file] = mod;
  if (cacheFile !== undefined && (!data || script.cachedDataRejected)) {
    // After the parse has run, so the functions it compiled are in the cache too.
    process.once('exit', () => {
      try {
        mkdirSync(dirname(cacheFile), { recursive: true });
        const tmp = `${cacheFile}.${process.pid}`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
      } catch {
        // Only the next start's speed-up is lost.
      }
    });
  }
  return mod.exports as typeof TypeScript;
}

function loadFile(file: string): typeof TypeScript {
  try {
    return loadWithCodeCache(file);
  } catch {
    return fromTsMorph(file) as typeof TypeScript;
  }
}

/** The cut parser, with every public name it left out served by the full compiler. */
function loadCut(file: string): typeof TypeScript {
  const cut = loadFile(file) as typeof TypeScript & { __absent?: readonly string[] };
  const api: Record<string, unknown> = { ...cut };
  delete api.__absent;
  for (const name of cut.__absent ?? []) {
    Object.defineProperty(api, name, { get: () => (loadFile(FULL) as unknown as Record<string, unknown>)[name], enumerable: true });
  }
  return api as unknown as typeof TypeScript;
}

function load(): typeof TypeScript {
  const cut = compiledFile('ts-parser.cjs');
  return cut ? loadCut(cut) : loadFile(FULL);
}

export const ts = load();
