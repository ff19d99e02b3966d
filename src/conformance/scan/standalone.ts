// The call-site scan of any JS/TS repo, with or without an orch harness config (`orch scan`):
// the repo's .gitignore files and tsconfig `paths` are honoured, and every finding carries a
// stable id (`file#symbol:kind:ordinal`, no line number) for baselines.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_AGENT_CLIS, DEFAULT_EXTENSIONS, DEFAULT_LLM_HOSTS, DEFAULT_LLM_SDKS, HARNESS_CONFIG_FILE } from '../config/defaults.ts';
import type { ResolvedHarnessConfig } from '../config/load.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { InvalidInputError } from '../../errors.ts';
import type { FindingKind } from './analyze.ts';
export type { ScanCacheReport } from './cache.ts';
import { listRepoFiles } from './gitignore.ts';
import { openScanCache, type CacheChoice, type ScanCacheReport } from './cache.ts';
import { cacheSettings, scanRepo, type Finding } from './scan.ts';

export interface ScanFinding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly kind: FindingKind;
  /** The SDK (rules id), agent CLI or LLM host; null for transport calls and unresolved findings. */
  readonly sdk: string | null;
  readonly callee: string;
  /** Stable under edits elsewhere in the file: `file#symbol:kind:ordinal`. */
  readonly id: string;
}

export interface DirectoryScan {
  readonly root: string;
  readonly findings: readonly ScanFinding[];
  /** Problems of the scan itself (waivers without a reason, several transports). */
  readonly problems: readonly Diagnostic[];
  readonly files: number;
  readonly parsed: number;
  readonly ms: number;
  /** Whether the repo's orch.conformance.json configured the scan. */
  readonly configured: boolean;
  /** With a cache: its file, the files read from it and those parsed, and a note when it could not be used or written. */
  readonly cache?: ScanCacheReport;
}

export interface ScanDirectoryOptions {
  /**
   * The scan's cache: a file, `default` for the user's cache folder under the temp dir (what
   * `orch scan` uses unless --no-cache), or no cache when undefined (the library's default).
   */
  readonly cache?: CacheChoice;
}

/** The defaults of the harness config with every folder as a source (no validation to load). */
export function defaultScanConfig(root: string): ResolvedHarnessConfig {
  return Object.freeze({
    root,
    docs: 'docs',
    sources: ['.'],
    ignore: [],
    extensions: DEFAULT_EXTENSIONS,
    transport: { tag: 'llmTransport', symbol: null },
    llm: { sdks: DEFAULT_LLM_SDKS, agentClis: DEFAULT_AGENT_CLIS, hosts: DEFAULT_LLM_HOSTS },
    model: {},
    blocks: new Map(),
    docPathPrefixes: [],
  });
}

/** The harness config of `root` when it has one (loaded only then), else the defaults. */
export async function scanConfig(root: string): Promise<{ config: ResolvedHarnessConfig; configured: boolean }> {
  if (!existsSync(join(root, HARNESS_CONFIG_FILE))) return { config: defaultScanConfig(root), configured: false };
  const { loadHarnessConfig } = await import('../config/load.ts');
  return { config: loadHarnessConfig(root), configured: true };
}

/** Kinds that never fail a scan: a call of the repo's own LLM transport is the allowed way. */
export const NEVER_FAILS: ReadonlySet<string> = new Set(['transport-call']);

/** Findings that fail the scan: of a kind that can fail, and not among the accepted ids. */
export function newFindings(findings: readonly ScanFinding[], accepted: ReadonlySet<string> | null): ScanFinding[] {
  return findings.filter((f) => !NEVER_FAILS.has(f.kind) && !(accepted?.has(f.id) ?? false));
}

export function toScanFinding(f: Finding): ScanFinding {
  return { file: f.file, line: f.line, column: f.column, kind: f.kind, sdk: f.sdk, callee: f.callee, id: f.key };
}

export async function scanDirectory(dir: string, options: ScanDirectoryOptions = {}): Promise<DirectoryScan> {
  const started = performance.now();
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new InvalidInputError(`${dir}: not a directory (orch scan takes the folder of a JS/TS repo)`);
  const { config, configured } = await scanConfig(root);
  const files = listRepoFiles(root, { extensions: config.extensions, sources: config.sources, ignore: config.ignore });
  const { cache, finish } = openScanCache(root, options.cache, cacheSettings(config));
  const result = scanRepo(config, { files, ...(cache ? { cache } : {}) });
  const report = finish();
  return {
    root,
    findings: result.findings.map(toScanFinding),
    problems: result.problems.filter((p) => p.ruleId !== 'no-files-scanned'),
    files: result.filesScanned,
    parsed: result.filesParsed,
    ms: Math.round(performance.now() - started),
    configured,
    ...(report ? { cache: report } : {}),
  };
}
