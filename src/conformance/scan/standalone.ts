// The call-site scan of any JS/TS repo, with or without an orch harness config (`orch scan`):
// the repo's .gitignore files and tsconfig `paths` are honoured, and every finding carries a
// stable id (`file#symbol:kind:ordinal`, no line number) for baselines.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HARNESS_CONFIG_FILE } from '../config/defaults.ts';
import { loadHarnessConfig, resolveHarnessConfig, type ResolvedHarnessConfig } from '../config/load.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { InvalidInputError } from '../../errors.ts';
import type { FindingKind } from './analyze.ts';
import { listRepoFiles } from './gitignore.ts';
import { scanRepo, type Finding } from './scan.ts';

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
}

/** The harness config of `root` when it has one, else the defaults with every folder as a source. */
export function scanConfig(root: string): { config: ResolvedHarnessConfig; configured: boolean } {
  if (existsSync(join(root, HARNESS_CONFIG_FILE))) return { config: loadHarnessConfig(root), configured: true };
  return { config: resolveHarnessConfig(root, { sources: ['.'] }), configured: false };
}

export function toScanFinding(f: Finding): ScanFinding {
  return { file: f.file, line: f.line, column: f.column, kind: f.kind, sdk: f.sdk, callee: f.callee, id: f.key };
}

export function scanDirectory(dir: string): DirectoryScan {
  const started = performance.now();
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new InvalidInputError(`${dir}: not a directory (orch scan takes the folder of a JS/TS repo)`);
  const { config, configured } = scanConfig(root);
  const files = listRepoFiles(root, { extensions: config.extensions, sources: config.sources, ignore: config.ignore });
  const result = scanRepo(config, { files });
  return {
    root,
    findings: result.findings.map(toScanFinding),
    problems: result.problems.filter((p) => p.ruleId !== 'no-files-scanned'),
    files: result.filesScanned,
    parsed: result.filesParsed,
    ms: Math.round(performance.now() - started),
    configured,
  };
}
