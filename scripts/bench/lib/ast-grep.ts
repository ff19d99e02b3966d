// @ast-grep/napi, the comparison point of the scan benchmark, loaded only when installed: the npm
// registry this project installs from serves its Linux x64 binary but not every platform package
// its lock entry names, so as a devDependency it broke `npm ci`. Install it for a bench run with
// `npm install --no-save @ast-grep/napi`.

export const AST_GREP_INSTALL = 'npm install --no-save @ast-grep/napi';

/** The rule object of ast-grep's NapiConfig (`{ rule: { any: [...] } }`). */
export type AstGrepRule = { rule: Record<string, unknown> };

export interface AstGrepModule {
  readonly Lang: { readonly TypeScript: unknown; readonly Tsx: unknown };
  findInFiles(lang: unknown, config: { paths: string[]; matcher: AstGrepRule }, callback: (err: null | Error, nodes: unknown[]) => void): Promise<number>;
}

/** The module, or null when it is not installed. */
export async function loadAstGrep(): Promise<AstGrepModule | null> {
  const name = '@ast-grep/napi';
  try {
    return (await import(name)) as AstGrepModule;
  } catch {
    return null;
  }
}
