// `orch drift` as a function: check a repo, optionally write the docs-side repairs and check again.
// The CLI and the CI drift guard (tests/conformance/drift-main.test.ts) both call this.
import type { CacheChoice } from './scan/cache.ts';
import { applyRepairs } from './apply.ts';
import { loadHarnessConfig } from './config/load.ts';
import { checkDrift, type DriftReport } from './engine.ts';

export interface DriftOptions {
  /** The repo to check; its orch.conformance.json configures the harness. */
  readonly root: string;
  /** Rewrite the blocks (and .env.example) from code before reporting what is left. */
  readonly write?: boolean;
  /** The scan's cache (scan/cache.ts): `orch drift` uses the default unless --no-cache. */
  readonly scanCache?: CacheChoice;
}

export interface DriftRun {
  readonly root: string;
  readonly report: DriftReport;
  /** Files `--write` changed, relative to the root. */
  readonly written: readonly string[];
  readonly durationMs: number;
}

/** The exit code of `orch drift` for a report: 0 clean, 1 when anything is left to fix. */
export function driftExitCode(report: DriftReport): number {
  return report.diagnostics.length === 0 ? 0 : 1;
}

export async function runDrift(options: DriftOptions): Promise<DriftRun> {
  const started = performance.now();
  const config = loadHarnessConfig(options.root);
  const check = { ...(options.scanCache ? { scanCache: options.scanCache } : {}) };
  let report = await checkDrift(config, check);
  let written: string[] = [];
  if (options.write && report.repairs.length > 0) {
    written = applyRepairs(config.root, report.repairs);
    // What is left after the repairs is what the code side must fix.
    report = await checkDrift(config, check);
  }
  return { root: config.root, report, written, durationMs: Math.round(performance.now() - started) };
}
