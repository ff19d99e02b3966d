// The files `orch scan` reads in a repo it knows nothing about: every file with a scanned
// extension under the root, minus what the repo's .gitignore files exclude (the root's and nested
// ones, each relative to its folder, with git's rules: `dir/`, `/anchored`, `*`, `**`, `?`,
// `[...]`, `!negation`, last match wins, an ignored folder is never entered), node_modules, .git
// and declaration files. Sorted, so scans are stable.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALWAYS_IGNORED_DIRS } from '../config/defaults.ts';

interface Rule {
  readonly re: RegExp;
  readonly negate: boolean;
  readonly dirOnly: boolean;
  /** Matched against the path relative to the .gitignore's folder (else against the base name). */
  readonly anchored: boolean;
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        out += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end === -1) out += '\\[';
      else {
        out += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < glob.length) out += `\\${glob[++i]}`;
    else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return out;
}

/** The rules of one .gitignore text. */
export function parseGitignore(text: string): Rule[] {
  const rules: Rule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.replace(/(?<!\\)\s+$/, '');
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1);
    if (line.startsWith('\\')) line = line.slice(1);
    const dirOnly = line.endsWith('/');
    if (dirOnly) line = line.slice(0, -1);
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    if (line === '') continue;
    rules.push({ re: new RegExp(`^${globToRegex(line)}$`), negate, dirOnly, anchored });
  }
  return rules;
}

/** Whether `rel` (relative to the rules' folder) is ignored, or undefined when no rule speaks. */
function verdict(rules: readonly Rule[], rel: string, name: string, isDir: boolean): boolean | undefined {
  let out: boolean | undefined;
  for (const r of rules) {
    if (r.dirOnly && !isDir) continue;
    if (r.re.test(r.anchored ? rel : name)) out = !r.negate;
  }
  return out;
}

export interface ListOptions {
  readonly extensions: readonly string[];
  /** Folders (relative to the root) to walk. @default ['.'] */
  readonly sources?: readonly string[];
  /** Extra paths left out (relative to the root, like the harness config's `ignore`). */
  readonly ignore?: readonly string[];
}

/** Relative (posix) paths of the files to scan under `root`, honouring every .gitignore on the way. */
export function listRepoFiles(root: string, options: ListOptions): string[] {
  const out = new Set<string>();
  const extra = options.ignore ?? [];
  type Layer = { readonly base: string; readonly rules: readonly Rule[] };
  const ignored = (layers: readonly Layer[], rel: string, name: string, isDir: boolean) => {
    let result = false;
    for (const l of layers) {
      const v = verdict(l.rules, l.base === '' ? rel : rel.slice(l.base.length + 1), name, isDir);
      if (v !== undefined) result = v;
    }
    return result || extra.some((i) => rel === i || rel.startsWith(`${i}/`));
  };
  const walk = (relDir: string, layers: readonly Layer[]): void => {
    const abs = relDir === '' ? root : join(root, relDir);
    const gi = join(abs, '.gitignore');
    const here = existsSync(gi) ? [...layers, { base: relDir, rules: parseGitignore(readFileSync(gi, 'utf8')) }] : layers;
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const rel = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!ALWAYS_IGNORED_DIRS.includes(entry.name) && !ignored(here, rel, entry.name, true)) walk(rel, here);
      } else if (entry.isFile() && options.extensions.some((e) => entry.name.endsWith(e)) && !/\.d\.[cm]?ts$/.test(entry.name) && !ignored(here, rel, entry.name, false)) {
        out.add(rel);
      }
    }
  };
  // The root's .gitignore applies to every source folder, so walk from the root down to each.
  for (const source of options.sources ?? ['.']) {
    const clean = source.replace(/^\.\/?/, '').replace(/\/+$/, '');
    if (clean === '') {
      walk('', []);
      continue;
    }
    const parts = clean.split('/');
    let layers: { base: string; rules: Rule[] }[] = [];
    let ok = existsSync(join(root, clean));
    for (let i = 0; ok && i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      const gi = join(root, dir, '.gitignore');
      if (existsSync(gi)) layers = [...layers, { base: dir, rules: parseGitignore(readFileSync(gi, 'utf8')) }];
      const rel = parts.slice(0, i + 1).join('/');
      if (ignored(layers, rel, parts[i] as string, true)) ok = false;
    }
    if (ok) walk(clean, layers);
  }
  return [...out].sort();
}
