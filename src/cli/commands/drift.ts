// `orch drift [--json | --sarif] [--write] [--root DIR] [--no-cache]`: the conformance harness (SPEC §10).
// Exit 0 clean, 1 drift (or findings left after --write), 2 usage error.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InvalidInputError } from '../../errors.ts';
import { EXIT, ExitSignal } from '../exit.ts';

interface DriftFlags {
  json?: boolean;
  sarif?: boolean;
  write?: boolean;
  root: string;
  /** False with --no-cache. */
  cache?: boolean;
}

function orchVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

export function registerDrift(program: Command): void {
  program
    .command('drift')
    .description('compare the machine-readable doc blocks with the code, and scan for LLM call-sites')
    .option('--json', 'print the findings as JSON')
    .option('--sarif', 'print the findings as SARIF 2.1.0')
    .option('--write', 'rewrite the doc blocks (and .env.example) from code; prose is left byte for byte')
    .option('--root <dir>', 'the repo to check (its orch.conformance.json configures the harness)', '.')
    .option('--no-cache', "parse every source file: neither read nor write the scan's cache (as orch scan --no-cache)")
    .action(async (flags: DriftFlags) => {
      if (flags.json && flags.sarif) throw new InvalidInputError('--json and --sarif cannot be used together: choose one output format');
      const [{ renderJson }, { renderSarif }, { renderText }, { driftExitCode, runDrift }] = await Promise.all([
        import('../../conformance/diagnostics/render-json.ts'),
        import('../../conformance/diagnostics/render-sarif.ts'),
        import('../../conformance/diagnostics/render-text.ts'),
        import('../../conformance/drift.ts'),
      ]);
      const run = await runDrift({ root: flags.root, write: flags.write ?? false, ...(flags.cache === false ? {} : { scanCache: 'default' as const }) });
      if (run.report.scanCache?.note) process.stderr.write(`orch drift: ${run.report.scanCache.note}\n`);
      const out = flags.sarif
        ? renderSarif(run.report, run.root, orchVersion())
        : flags.json
          ? renderJson(run.report, run.written)
          : renderText(run.report, run.written);
      process.stdout.write(out);
      if (!flags.json && !flags.sarif) process.stderr.write(`orch drift: ${run.durationMs} ms\n`);
      throw new ExitSignal(driftExitCode(run.report) === 0 ? EXIT.ok : EXIT.fault);
    });
}
