// `orch scan [DIR] [--json | --sarif] [--baseline FILE] [--write-baseline FILE] [--no-cache] [--cache-location PATH]`: the LLM
// call-site scan of any JS/TS repo, no orch config needed (docs/conformance.md).
// Exit 0 clean (or every finding in the baseline), 1 when a finding is not in the baseline, 2 bad input.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InvalidInputError } from '../../errors.ts';
import { EXIT, ExitSignal } from '../exit.ts';

/** The cache file's name when --cache-location names a folder. */
const CACHE_FILE_NAME = 'orch-scan-cache.json';

interface ScanFlags {
  json?: boolean;
  sarif?: boolean;
  baseline?: string;
  writeBaseline?: string;
  /** False with --no-cache. */
  cache?: boolean;
  cacheLocation?: string;
}

/**
 * The scan's cache: the default (the user's cache folder under the temp dir), none with
 * --no-cache, or --cache-location's path (relative to the working directory, as ESLint's): an
 * existing folder, or a path ending in a separator, gets the default file name inside it.
 */
function cacheOption(flags: ScanFlags): string | 'default' | undefined {
  if (flags.cacheLocation === undefined) return flags.cache === false ? undefined : 'default';
  if (flags.cache === false) throw new InvalidInputError('--no-cache and --cache-location cannot be used together: drop one');
  if (flags.cacheLocation.trim() === '') throw new InvalidInputError('--cache-location: empty path (give the cache file, or a folder to keep it in)');
  const loc = resolve(flags.cacheLocation);
  const folder = /[\\/]$/.test(flags.cacheLocation) || (existsSync(loc) && statSync(loc).isDirectory());
  return folder ? join(loc, CACHE_FILE_NAME) : loc;
}

function orchVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('scan a JS/TS repo for LLM call-sites (SDK calls, agent CLI spawns, LLM API requests); no orch config needed')
    .argument('[dir]', 'the repo to scan (its .gitignore and tsconfig paths are honoured)', '.')
    .option('--json', 'print one JSON object: { findings, files, parsed, ms, problems, cache }')
    .option('--sarif', 'print SARIF 2.1.0')
    .option('--baseline <file>', 'fail only on findings whose id is not in this baseline')
    .option('--write-baseline <file>', 'write every current finding to this baseline and exit 0')
    .option('--no-cache', 'parse every file: neither read nor write the cache of earlier runs')
    .option('--cache-location <path>', 'where the cache is kept: a file, or a folder (default: one file per repo in $TMPDIR/scan-cache-orch-<uid>/)')
    .action(async (dir: string, flags: ScanFlags) => {
      if (flags.json && flags.sarif) throw new InvalidInputError('--json and --sarif cannot be used together: choose one output format');
      if (flags.baseline && flags.writeBaseline) throw new InvalidInputError('--baseline and --write-baseline cannot be used together: write the baseline first, then scan against it');
      // The baseline module (and zod) loads only when a baseline is used.
      const baselines = flags.baseline || flags.writeBaseline ? await import('../../conformance/scan/baseline.ts') : null;
      const baseline = flags.baseline && baselines ? baselines.readBaseline(flags.baseline) : null;
      // The scanner (and TypeScript's parser with it) loads only when a scan runs, never for --help.
      const [{ newFindings, scanDirectory }, { renderScanJson, renderScanText, toScanSarif }] = await Promise.all([
        import('../../conformance/scan/standalone.ts'),
        import('../../conformance/scan/render.ts'),
      ]);
      const cache = cacheOption(flags);
      const scan = await scanDirectory(dir, cache === undefined ? {} : { cache });
      if (scan.cache?.note) process.stderr.write(`orch scan: ${scan.cache.note}\n`);
      if (flags.writeBaseline && baselines) {
        baselines.writeBaseline(flags.writeBaseline, scan.findings);
        process.stderr.write(`orch scan: wrote ${flags.writeBaseline} (${newFindings(scan.findings, null).length} findings)\n`);
        throw new ExitSignal(EXIT.ok);
      }
      const failing = new Set(newFindings(scan.findings, baseline ? new Set(baseline.findings.map((f) => f.id)) : null));
      const out = flags.sarif ? `${JSON.stringify(toScanSarif(scan, failing, baseline !== null, orchVersion()), null, 2)}\n` : flags.json ? renderScanJson(scan) : renderScanText(scan, failing, baseline !== null);
      process.stdout.write(out);
      throw new ExitSignal(failing.size === 0 ? EXIT.ok : EXIT.fault);
    });
}
