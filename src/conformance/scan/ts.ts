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
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import vm from 'node:vm';
import type { ts as TypeScript } from 'ts-morph';

const fromTsMorph = createRequire(createRequire(import.meta.url).resolve('ts-morph'));
const FILE = fromTsMorph.resolve('@ts-morph/common/dist/typescript.js');

interface CjsModule {
  exports: unknown;
  filename: string;
  loaded: boolean;
  paths: string[];
}
const internals = Module as unknown as { _cache: Record<string, CjsModule>; _nodeModulePaths(dir: string): string[]; wrap(src: string): string; new (id: string): CjsModule };

function loadWithCodeCache(): typeof TypeScript {
  const cached = internals._cache[FILE];
  if (cached) return cached.exports as typeof TypeScript;
  const source = readFileSync(FILE, 'utf8');
  const st = statSync(FILE);
  const cacheFile = join(tmpdir(), `v8-cache-orch-${typeof process.getuid === 'function' ? process.getuid() : 0}`, `${createHash('sha1').update(`${FILE}\0${st.size}\0${st.mtimeMs}\0${process.version}\0${process.arch}`).digest('hex')}.bin`);
  let data: Buffer | undefined;
  try {
    data = readFileSync(cacheFile);
  } catch {
    data = undefined;
  }
  const script = new vm.Script(internals.wrap(source), { filename: FILE, ...(data ? { cachedData: data } : {}) });
  const mod = new internals(FILE);
  mod.filename = FILE;
  mod.paths = internals._nodeModulePaths(dirname(FILE));
  const require = createRequire(FILE);
  (script.runInThisContext() as (...a: unknown[]) => void).call(mod.exports, mod.exports, require, mod, FILE, dirname(FILE));
  mod.loaded = true;
  internals._cache[FILE] = mod;
  if (!data || script.cachedDataRejected) {
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

function load(): typeof TypeScript {
  try {
    return loadWithCodeCache();
  } catch {
    return fromTsMorph(FILE) as typeof TypeScript;
  }
}

export const ts = load();
