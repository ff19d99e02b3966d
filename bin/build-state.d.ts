// Types of bin/build-state.js (plain JavaScript, so bin/orch.js can run it without tsx).
export interface BuildRecord {
  /** sha256 of the input files (path and bytes), see hashSources. */
  readonly hash: string;
  /** The build's folder under dist/. */
  readonly dir: string;
  /** Repo-relative input files, sorted. */
  readonly files: readonly string[];
  readonly builtAt: string;
}
export type BuildState = { state: 'absent'; record?: undefined } | { state: 'stale' | 'current'; record: BuildRecord };
export const REPO_ROOT: string;
export const DIST_DIR: string;
export const CURRENT_FILE: string;
export function hashSources(root: string, files: readonly string[]): string;
export function hashContents(entries: ReadonlyArray<readonly [string, Uint8Array | string | undefined]>): string;
export function readCurrent(distDir?: string): BuildRecord | undefined;
export function buildState(root?: string): BuildState;
export function currentEntry(name: 'main' | 'program', root?: string): string | undefined;
