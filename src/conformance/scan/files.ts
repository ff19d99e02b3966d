// The files the scanner may read: every file under the configured source folders with a scanned
// extension, minus ignored paths, node_modules and declaration files. Sorted, so scans are stable.
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { ALWAYS_IGNORED_DIRS } from '../config/defaults.ts';

export interface FileSelection {
  readonly sources: readonly string[];
  readonly ignore: readonly string[];
  readonly extensions: readonly string[];
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

function isIgnored(rel: string, ignore: readonly string[]): boolean {
  return ignore.some((i) => rel === i || rel.startsWith(`${i}/`));
}

/** Relative (posix) paths of the files to scan. */
export function listSourceFiles(root: string, selection: FileSelection): string[] {
  const out = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, entry.name);
      const rel = toPosix(relative(root, abs));
      if (isIgnored(rel, selection.ignore)) continue;
      if (entry.isDirectory()) {
        if (!ALWAYS_IGNORED_DIRS.includes(entry.name)) walk(abs);
      } else if (entry.isFile() && selection.extensions.some((e) => entry.name.endsWith(e)) && !/\.d\.[cm]?ts$/.test(entry.name)) {
        out.add(rel);
      }
    }
  };
  for (const source of selection.sources) {
    const abs = join(root, source);
    if (existsSync(abs)) walk(abs);
  }
  return [...out].sort();
}
