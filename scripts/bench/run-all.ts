// `npm run bench`: runs every benchmark in scripts/bench/ (each prints JSON and a Markdown table),
// one after another, each under the process-group runner so a broken bench leaves nothing behind.
// Usage: tsx scripts/bench/run-all.ts [name-filter]
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { runInGroup } from '../../src/proc/index.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
/** A bench that runs longer than this is stuck. */
const BENCH_TIMEOUT_MS = 30 * 60_000;

const filter = process.argv[2] ?? '';
const benches = readdirSync(HERE)
  .filter((f) => f.endsWith('.ts') && f !== 'run-all.ts' && f.includes(filter))
  .sort();
if (benches.length === 0) {
  process.stderr.write(`bench: no benchmark in ${HERE} matches ${JSON.stringify(filter)}\n`);
  process.exit(2);
}

const summary: string[] = [];
for (const bench of benches) {
  process.stdout.write(`\n## ${bench}\n\n`);
  const result = await runInGroup({
    file: process.execPath,
    args: ['--import', 'tsx', join(HERE, bench)],
    stdio: 'inherit',
    timeoutMs: BENCH_TIMEOUT_MS,
    graceMs: 5_000,
  });
  const ok = result.outcome === 'exited' && result.exitCode === 0;
  summary.push(`${ok ? 'ok    ' : 'FAILED'} ${bench} (${result.outcome}, exit ${result.exitCode}, ${(result.durationMs / 1000).toFixed(1)} s)`);
  if (!ok) process.exitCode = 1;
}
process.stdout.write(`\n${summary.join('\n')}\n`);
