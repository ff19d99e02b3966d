// Files the compiled CLI ships beside its chunks in dist/<hash>/ (scripts/build.ts): the scanner's
// cut of the TypeScript parser and its worker thread's entry. Under tsx there is no build.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The build's folder in the compiled CLI (scripts/build.ts defines it); undefined under tsx. */
declare const ORCH_BUILD_DIR: URL | undefined;

/** The path of a file the build ships, or undefined under tsx (or when the build lacks it). */
export function compiledFile(name: string): string | undefined {
  if (typeof ORCH_BUILD_DIR === 'undefined') return undefined;
  const file = fileURLToPath(new URL(name, ORCH_BUILD_DIR));
  return existsSync(file) ? file : undefined;
}

/** The compiled build's id (its folder name, a hash of every source and the lockfile); undefined under tsx. */
export function compiledBuildId(): string | undefined {
  if (typeof ORCH_BUILD_DIR === 'undefined') return undefined;
  return basename(fileURLToPath(ORCH_BUILD_DIR));
}
