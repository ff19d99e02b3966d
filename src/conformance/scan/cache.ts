// The scan's cache (`orch scan`, unless --no-cache): what each file's syntax tree gave, kept between
// runs so an unchanged file is neither parsed nor walked again. As Ruff's and mypy's, it is on by
// default; it lives in the user's own folder under the temp dir, one file per scanned repo, never
// in the repo (--cache-location puts it elsewhere).
//
// It never turns a stale answer into a result. Every entry is keyed by the file's bytes (sha1),
// and the whole cache by the scanner's own build and by the scan's settings. What a file's
// analysis asked about other files (is this import the transport? what client does that module
// export?) is recorded with the answer it got; an entry is reused only when every recorded
// question gets the same answer now. Anything it cannot read back (a missing, truncated or
// foreign file, an unknown rules id) counts as a miss: the file is parsed as without a cache.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Target } from './callee.ts';
import { compiledBuildId } from './compiled.ts';
import { privateTempDir } from '../private-cache.ts';
import { ts } from './ts.ts';
import { SDK_RULES } from './rules/sdks.ts';

const CACHE_VERSION = 1;
const NOT_JSON = 'not valid JSON';
/** Cache files of repos not scanned for this long are removed when another scan saves. */
const UNUSED_AGE_MS = 14 * 24 * 3600 * 1000;

/** What a scan (or drift) is told about its cache: its file, files read from it and parsed, and a note when it could not be used or written. */
export interface ScanCacheReport {
  readonly file: string;
  readonly hits: number;
  readonly misses: number;
  readonly note: string | null;
}

/** The cache a run asks for: a file, `default` (the user's folder under the temp dir), or none. */
export type CacheChoice = string | 'default' | undefined;

/** Open the cache a run asks for; `finish` saves it after the scan and says how it went. */
export function openScanCache(root: string, choice: CacheChoice, settings: unknown): { cache?: ScanCache; finish(): ScanCacheReport | undefined } {
  const where = choice === 'default' ? defaultCacheFile(root) : choice === undefined ? undefined : { file: choice };
  if (where === undefined) return { finish: () => undefined };
  if (where.refused) return { finish: () => ({ file: where.file, hits: 0, misses: 0, note: `no cache: ${where.refused}` }) };
  const cache = ScanCache.open(where.file, settings);
  return {
    cache,
    finish() {
      // Another build or other settings replacing it is the cache working: only damage is worth a word.
      let note = cache.discarded === NOT_JSON ? `the cache was not used: ${cache.discarded}` : null;
      try {
        cache.save({ pruneSiblings: choice === 'default' });
      } catch (err) {
        // The result stands; only the next run's speed-up is lost.
        note = `the cache could not be written to ${cache.file}: ${(err as Error).message}`;
      }
      return { file: cache.file, ...cache.stats(), note };
    },
  };
}

/**
 * The cache file `orch scan` uses when --cache-location does not name one: one per scanned repo in
 * `$TMPDIR/scan-cache-orch-<uid>/` (never inside the repo), or why there is none.
 */
export function defaultCacheFile(root: string): { file: string; refused?: string } {
  const { dir, refused } = privateTempDir('scan-cache');
  return { file: join(dir, `${sha1(root).slice(0, 16)}.json`), ...(refused ? { refused } : {}) };
}

/** One step's stored value, with the questions it asked and the answers it got (JSON text). */
interface StoredStep {
  readonly value: unknown;
  readonly asked?: ReadonlyArray<readonly [string, string]>;
}

interface StoredFile {
  readonly sha1: string;
  readonly steps: Record<string, StoredStep>;
}

interface CacheFile {
  readonly version: number;
  readonly key: string;
  readonly files: Record<string, StoredFile>;
}

/** A recorder of the questions a step asks: call `ask` with the question and the answer's JSON. */
export interface Asked {
  ask(question: string, answer: string): void;
}

export interface CacheStats {
  /** Files every step of which this run read from the cache. */
  readonly hits: number;
  /** Files at least one step of which ran (parsed) in this run. */
  readonly misses: number;
}

/** The cache of one scan. `key` binds it to the scanner's build and the scan's settings. */
export class ScanCache {
  private readonly next: Record<string, StoredFile> = {};
  private readonly ran = new Set<string>();
  private readonly read = new Set<string>();
  private changed = false;

  private constructor(
    readonly file: string,
    private readonly key: string,
    private readonly previous: Record<string, StoredFile>,
    /** Why the previous contents were not used, or null (only damage is reported: openScanCache). */
    readonly discarded: string | null,
  ) {
    // A file that could not be used is replaced even when this run stores nothing.
    this.changed = discarded !== null;
  }

  /** Open the cache file for a scan with these settings; a file that does not fit starts empty. */
  static open(file: string, settings: unknown): ScanCache {
    const key = sha1(JSON.stringify({ version: CACHE_VERSION, scanner: scannerIdentity(), settings }));
    let raw: string;
    try {
      raw = readFileSync(file, 'utf8');
    } catch {
      return new ScanCache(file, key, {}, null);
    }
    try {
      const parsed = JSON.parse(raw) as Partial<CacheFile>;
      if (parsed.version !== CACHE_VERSION || typeof parsed.files !== 'object' || parsed.files === null) return new ScanCache(file, key, {}, 'written by another version of orch');
      if (parsed.key !== key) return new ScanCache(file, key, {}, 'written by another build of the scanner or with other settings');
      return new ScanCache(file, key, parsed.files, null);
    } catch {
      return new ScanCache(file, key, {}, NOT_JSON);
    }
  }

  /**
   * The value of `step` for `file` with these bytes: the stored one when it was made from the same
   * bytes and each question it asked gets the same answer from `answer`, else `compute()` (which
   * records its questions on the `Asked` it is given) and store it. `encode`/`decode` turn the
   * value into JSON data and back; `decode` returning undefined is a miss.
   */
  get<T>(
    file: string,
    text: string,
    step: string,
    codec: { encode(value: T): unknown; decode(data: unknown): T | undefined },
    answer: (question: string) => string,
    compute: (asked: Asked) => T,
  ): T {
    const hash = this.hashOf(file, text);
    const stored = this.previous[file];
    const hit = stored !== undefined && stored.sha1 === hash ? stored.steps[step] : undefined;
    if (hit !== undefined && (hit.asked ?? []).every(([q, a]) => answer(q) === a)) {
      const value = safely(() => codec.decode(hit.value));
      if (value !== undefined) {
        this.keep(file, hash, step, hit);
        this.read.add(file);
        return value;
      }
    }
    const asked: Array<readonly [string, string]> = [];
    const value = compute({ ask: (q, a) => asked.push([q, a]) });
    this.ran.add(file);
    const data = safely(() => codec.encode(value));
    if (data !== undefined) this.keep(file, hash, step, { value: data, ...(asked.length > 0 ? { asked: dedupe(asked) } : {}) });
    this.changed = true;
    return value;
  }

  stats(): CacheStats {
    return { hits: [...this.read].filter((f) => !this.ran.has(f)).length, misses: this.ran.size };
  }

  /**
   * Write what this run used and made (files it no longer reached are dropped). Only when
   * something changed; atomically, so a concurrent scan reads the old file or the new one.
   */
  save(options: { pruneSiblings?: boolean } = {}): void {
    const before = Object.keys(this.previous).length;
    if (!this.changed && Object.keys(this.next).length === before) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: CACHE_VERSION, key: this.key, files: this.next } satisfies CacheFile));
    renameSync(tmp, this.file);
    if (options.pruneSiblings) pruneUnused(dirname(this.file), this.file);
  }

  private readonly hashes = new Map<string, string>();

  private hashOf(file: string, text: string): string {
    let h = this.hashes.get(file);
    if (h === undefined) this.hashes.set(file, (h = sha1(text)));
    return h;
  }

  private keep(file: string, hash: string, step: string, value: StoredStep): void {
    const entry = this.next[file] ?? (this.next[file] = { sha1: hash, steps: {} });
    entry.steps[step] = value;
  }
}

/** Remove the other cache files (and leftover temporaries) of `dir` not written for UNUSED_AGE_MS. */
function pruneUnused(dir: string, keep: string): void {
  const now = Date.now();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path === keep || !(name.endsWith('.json') || name.endsWith('.tmp'))) continue;
    try {
      if (now - statSync(path).mtimeMs > UNUSED_AGE_MS) rmSync(path, { force: true });
    } catch {
      // Removed by another scan meanwhile.
    }
  }
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

function safely<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

function dedupe(asked: ReadonlyArray<readonly [string, string]>): Array<readonly [string, string]> {
  const seen = new Map<string, string>();
  for (const [q, a] of asked) if (!seen.has(q)) seen.set(q, a);
  return [...seen];
}

/**
 * What makes the scanner's answers what they are: the compiled CLI's build (a hash of every source
 * file and the lockfile), or under tsx the same hash taken now over src/ and package-lock.json
 * (a copy without a lockfile: the version of the TypeScript parser instead).
 */
let identity: string | undefined;
export function scannerIdentity(root = fileURLToPath(new URL('../../../', import.meta.url))): string {
  if (identity !== undefined) return identity;
  const build = compiledBuildId();
  if (build !== undefined) return (identity = `build:${build}`);
  return (identity = sourcesIdentity(root));
}

/** The tsx-mode identity of the scanner whose checkout is `root`. */
export function sourcesIdentity(root: string): string {
  const hash = createHash('sha1');
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const abs = join(dir, e.name);
      if (e.isDirectory()) walk(abs);
      else if (e.isFile()) hash.update(relative(root, abs)).update('\0').update(readFileSync(abs)).update('\0');
    }
  };
  walk(join(root, 'src'));
  try {
    hash.update(readFileSync(join(root, 'package-lock.json')));
  } catch {
    hash.update(`\u0000no lockfile\u0000typescript ${ts.version}`);
  }
  return `sources:${hash.digest('hex')}`;
}

// --- codecs: what a step gives, as JSON data and back -------------------------------------------

/** Plain JSON values (findings, problems, names): stored as they are. */
export function plain<T>(check: (data: unknown) => boolean): { encode(value: T): unknown; decode(data: unknown): T | undefined } {
  return { encode: (v) => v, decode: (d) => (check(d) ? (d as T) : undefined) };
}

const RULES_BY_ID = new Map(SDK_RULES.map((r) => [r.id, r]));

class NotStorable extends Error {}

/** A target as JSON: the SDK rules by id. Only what crosses files is storable (never a syntax node). */
export function encodeTarget(t: Target): unknown {
  switch (t.kind) {
    case 'instance':
      return { kind: t.kind, module: t.module, rules: t.rules?.id ?? null, handle: t.handle, path: t.path };
    case 'factory':
      return { kind: t.kind, gives: t.gives.map(encodeTarget) };
    case 'module':
      return { kind: t.kind, module: t.module, path: t.path };
    case 'transport':
      return { kind: t.kind };
    default:
      throw new NotStorable(t.kind);
  }
}

const isStrings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');

export function decodeTarget(data: unknown): Target {
  const d = data as Record<string, unknown>;
  switch (d?.kind) {
    case 'instance': {
      const rules = d.rules === null ? null : RULES_BY_ID.get(d.rules as string);
      if (rules === undefined || typeof d.module !== 'string' || typeof d.handle !== 'string' || !isStrings(d.path)) break;
      return { kind: 'instance', module: d.module, rules, handle: d.handle, path: d.path };
    }
    case 'factory':
      if (!Array.isArray(d.gives)) break;
      return { kind: 'factory', gives: d.gives.map(decodeTarget) };
    case 'module':
      if (typeof d.module !== 'string' || !isStrings(d.path)) break;
      return { kind: 'module', module: d.module, path: d.path };
    case 'transport':
      return { kind: 'transport' };
  }
  throw new NotStorable(String(d?.kind));
}

/** The JSON text of a list of targets: how an answer about another module's export is compared. */
export function targetsAnswer(targets: readonly Target[]): string {
  try {
    return JSON.stringify(targets.map(encodeTarget));
  } catch {
    // A target that cannot be stored cannot be compared either: an answer no entry can match.
    return `\u0000unstorable${Math.random()}`;
  }
}
