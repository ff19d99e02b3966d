// Module specifiers to files of the scanned repo: relative ones (`./x.ts`, `./x.js` -> x.ts,
// `./dir` -> dir/index.ts), and the aliases of tsconfig `compilerOptions.paths` (`@/lib/ai` ->
// src/lib/ai.ts). Other bare specifiers are packages: they stay names and are matched against
// the SDK list.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ts } from './ts.ts';

const JS_TO_TS: Record<string, readonly string[]> = { '.js': ['.ts', '.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'], '.jsx': ['.tsx'] };

/** A `paths` entry: `@/*` -> [`/abs/src/*`]. */
export interface PathAlias {
  readonly pattern: string;
  readonly targets: readonly string[];
}

/**
 * The `paths` aliases of `<root>/tsconfig.json` (following `extends` to local files), absolute.
 * A tsconfig that cannot be read gives no aliases: the scan does not depend on it.
 */
export function readPathAliases(root: string): PathAlias[] {
  const seen = new Set<string>();
  const load = (file: string): PathAlias[] => {
    if (seen.has(file) || !existsSync(file)) return [];
    seen.add(file);
    const parsed = ts.parseConfigFileTextToJson(file, readFileSync(file, 'utf8'));
    const config = parsed.config as { extends?: string | string[]; compilerOptions?: { baseUrl?: string; paths?: Record<string, string[]> } } | undefined;
    if (!config) return [];
    const dir = dirname(file);
    const own = config.compilerOptions?.paths;
    if (own) {
      const base = resolve(dir, config.compilerOptions?.baseUrl ?? '.');
      return Object.entries(own).map(([pattern, targets]) => ({ pattern, targets: targets.map((t) => resolve(base, t)) }));
    }
    const parents = typeof config.extends === 'string' ? [config.extends] : (config.extends ?? []);
    for (const p of parents.filter((x) => x.startsWith('.'))) {
      const next = load(resolve(dir, p.endsWith('.json') ? p : `${p}.json`));
      if (next.length > 0) return next;
    }
    return [];
  };
  try {
    return load(join(root, 'tsconfig.json'));
  } catch {
    return [];
  }
}

export function createModuleResolver(extensions: readonly string[], aliases: readonly PathAlias[] = []): (fromFile: string, specifier: string) => string | null {
  const cache = new Map<string, string | null>();
  const isFile = (p: string) => existsSync(p) && statSync(p).isFile();
  const toFile = (base: string): string | null => {
    const cached = cache.get(base);
    if (cached !== undefined) return cached;
    const candidates = [base];
    for (const [js, tsExts] of Object.entries(JS_TO_TS)) {
      if (base.endsWith(js)) candidates.push(...tsExts.map((t) => base.slice(0, -js.length) + t));
    }
    candidates.push(...extensions.map((e) => base + e), ...extensions.map((e) => `${base}/index${e}`));
    const found = candidates.find(isFile) ?? null;
    cache.set(base, found);
    return found;
  };
  return (fromFile, specifier) => {
    if (specifier.startsWith('.')) return toFile(resolve(dirname(fromFile), specifier));
    for (const a of aliases) {
      const star = a.pattern.indexOf('*');
      const prefix = star === -1 ? a.pattern : a.pattern.slice(0, star);
      const suffix = star === -1 ? '' : a.pattern.slice(star + 1);
      if (star === -1 ? specifier !== a.pattern : !(specifier.startsWith(prefix) && specifier.endsWith(suffix) && specifier.length >= prefix.length + suffix.length)) continue;
      const middle = star === -1 ? '' : specifier.slice(prefix.length, specifier.length - suffix.length);
      for (const t of a.targets) {
        const hit = toFile(t.replace('*', middle));
        if (hit !== null) return hit;
      }
    }
    return null;
  };
}

/** The package a bare specifier names: `openai/resources` -> `openai`, `@a/b/c` -> `@a/b`. */
export function packageName(specifier: string): string {
  const bare = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
  const parts = bare.split('/');
  return bare.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

/** Whether a module specifier is one of the SDKs (exact package, or under a listed prefix). */
export function matchesSdk(specifier: string, sdks: readonly string[]): string | null {
  if (specifier.startsWith('.')) return null;
  const pkg = packageName(specifier);
  for (const sdk of sdks) {
    if (sdk.endsWith('/') ? pkg.startsWith(sdk) || `${pkg}/` === sdk : pkg === sdk) return sdk;
  }
  return null;
}
