// Relative module specifiers to files of the scanned repo (`./x.ts`, `./x.js` -> x.ts, `./dir` ->
// dir/index.ts). Bare specifiers are packages: they stay names and are matched against the SDK list.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const JS_TO_TS: Record<string, readonly string[]> = { '.js': ['.ts', '.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'], '.jsx': ['.tsx'] };

export function createModuleResolver(extensions: readonly string[]): (fromFile: string, specifier: string) => string | null {
  const cache = new Map<string, string | null>();
  const isFile = (p: string) => existsSync(p) && statSync(p).isFile();
  return (fromFile, specifier) => {
    if (!specifier.startsWith('.')) return null;
    const base = resolve(dirname(fromFile), specifier);
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
