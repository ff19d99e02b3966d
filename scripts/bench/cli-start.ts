// Benchmark of the CLI's start: wall time of `orch --help`, `orch task list` (an empty store in a
// temp ORCH_HOME) and `orch drift` on this repo, median of N runs, through bin/orch.js with the
// compiled build (dist/, rebuilt first when stale) and straight through tsx (src/cli/main.ts), the
// path a stale or absent build falls back to. Goals from issue 14: 0.5 s, 0.6 s and 1.5 s.
// Prints one JSON object, then a Markdown table with the load average at the start and the end.
// Usage: tsx scripts/bench/cli-start.ts [--runs 5] [--no-tsx]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { buildCli } from '../build.ts';
import { REPO_ROOT } from '../../bin/build-state.js';

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  /** Wall-time goal of the compiled CLI, seconds. */
  readonly goal: number;
}

const CASES: readonly Case[] = [
  { name: 'orch --help', args: ['--help'], goal: 0.5 },
  { name: 'orch task list', args: ['task', 'list'], goal: 0.6 },
  // The scan's cache is on by default: after the first run every file comes from it.
  { name: 'orch drift (this repo)', args: ['drift', '--root', REPO_ROOT], goal: 1.5 },
  { name: 'orch drift --no-cache (this repo)', args: ['drift', '--root', REPO_ROOT, '--no-cache'], goal: 1.5 },
];

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, 'no-tsx': { type: 'boolean', default: false } } });
const runs = Number(values.runs);
if (!Number.isSafeInteger(runs) || runs < 1) {
  process.stderr.write(`cli-start: --runs ${JSON.stringify(values.runs)} is invalid: a whole number >= 1\n`);
  process.exit(2);
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** Seconds one `orch ...args` takes, through bin/orch.js or through tsx on the sources. */
async function time(via: 'bin' | 'tsx', args: readonly string[], env: Record<string, string>): Promise<number> {
  const options = { env, reject: false, cwd: REPO_ROOT, timeout: 120_000 } as const;
  const t0 = performance.now();
  const argv = via === 'bin' ? [join(REPO_ROOT, 'bin/orch.js'), ...args] : ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), ...args];
  // orch-inventory-ignore: runs this repo's own CLI (bin/orch.js, or src/cli/main.ts through tsx) with the current Node, never an agent
  const r = await execa(process.execPath, argv, options);
  const seconds = (performance.now() - t0) / 1000;
  if (r.exitCode !== 0) throw new Error(`orch ${args.join(' ')} (${via}) exited ${r.exitCode}: ${r.stderr.slice(-500)}`);
  return seconds;
}

const build = await buildCli({ ifStale: true });
const home = mkdtempSync(join(tmpdir(), 'orch-bench-cli-'));
const load = { start: loadavg().map((l) => l.toFixed(2)).join(' '), end: '' };
const rows: { name: string; goal: number; compiled: number; tsx: number | null; samples: number[] }[] = [];
try {
  const env = { ORCH_HOME: home };
  // The store exists before the first timed `task list` (creating it is not start-up).
  await time('bin', ['task', 'list'], env);
  for (const c of CASES) {
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) samples.push(await time('bin', c.args, env));
    let tsx: number | null = null;
    if (!values['no-tsx']) {
      const viaTsx: number[] = [];
      for (let i = 0; i < runs; i++) viaTsx.push(await time('tsx', c.args, env));
      tsx = median(viaTsx);
    }
    rows.push({ name: c.name, goal: c.goal, compiled: median(samples), tsx, samples });
  }
} finally {
  rmSync(home, { recursive: true, force: true });
  load.end = loadavg().map((l) => l.toFixed(2)).join(' ');
}

process.stdout.write(`${JSON.stringify({ runs, build: { dir: build.record.dir, built: build.built, ms: Math.round(build.ms) }, loadavg: load, rows })}\n\n`);
const s = (x: number | null) => (x === null ? '-' : `${x.toFixed(2)} s`);
process.stdout.write(`Median of ${runs}; load average (1, 5, 15 min) ${load.start} at the start, ${load.end} at the end.\n\n`);
process.stdout.write('| command | compiled (dist/) | tsx (fallback) | goal |\n|---|---:|---:|---:|\n');
for (const r of rows) process.stdout.write(`| \`${r.name}\` | ${s(r.compiled)} ${r.compiled <= r.goal ? '' : '(over)'} | ${s(r.tsx)} | ≤ ${r.goal} s |\n`);
