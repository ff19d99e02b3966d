// Is the compiled CLI (dist/, built by scripts/build.mjs on `npm ci`) present and current?
// Plain JavaScript with no dependencies: bin/orch.js asks this on every start, before it knows
// whether it needs tsx, so the check must cost a few milliseconds (it reads and hashes the ~200
// source files the build was made from; see docs/decisions.md, "A compiled CLI").
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The repository this bin belongs to. */
export const REPO_ROOT = resolve(import.meta.dirname, '..');
/** Where the builds live; dist/current.json names the newest. */
export const DIST_DIR = join(REPO_ROOT, 'dist');
export const CURRENT_FILE = join(DIST_DIR, 'current.json');

/**
 * The hash a build records: every input file's repo-relative path and bytes, in the order given
 * (sorted by the builder). A missing file hashes as missing, so a deleted source stales the build.
 */
export function hashSources(root, files) {
  return hashContents(
    files.map((file) => {
      try {
        return [file, readFileSync(join(root, file))];
      } catch {
        return [file, undefined];
      }
    }),
  );
}

/** hashSources over contents already read: [path, bytes or undefined when missing] pairs. */
export function hashContents(entries) {
  const hash = createHash('sha256');
  for (const [file, bytes] of entries) {
    hash.update(file);
    hash.update('\0');
    if (bytes === undefined) hash.update('\u0001missing\0');
    else hash.update(bytes).update('\0');
  }
  return hash.digest('hex');
}

/** The build record in dist/current.json, or undefined when there is none (or it is unreadable). */
export function readCurrent(distDir = DIST_DIR) {
  try {
    const record = JSON.parse(readFileSync(join(distDir, 'current.json'), 'utf8'));
    if (typeof record.hash !== 'string' || typeof record.dir !== 'string' || !Array.isArray(record.files)) return undefined;
    return record;
  } catch {
    return undefined;
  }
}

/**
 * Why the build cannot run (`absent`, `stale`), or `current`, with the build record. A stale build
 * never runs: its recorded hash must equal the hash of the sources as they are now.
 */
export function buildState(root = REPO_ROOT) {
  const record = readCurrent(join(root, 'dist'));
  if (!record) return { state: 'absent' };
  if (hashSources(root, record.files) !== record.hash) return { state: 'stale', record };
  return { state: 'current', record };
}

/** The file URL of an entry point (`main`, `program`) of the current build, or undefined. */
export function currentEntry(name, root = REPO_ROOT) {
  const { state, record } = buildState(root);
  if (state !== 'current') return undefined;
  return pathToFileURL(join(root, 'dist', record.dir, `${name}.js`)).href;
}
