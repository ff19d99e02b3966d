// Benchmark of the test suite itself: wall time of `npm test`, on the machine as it is ("idle") and
// with two busy loops (`sh -c 'while :; do :; done'`, the stand-in for a shared CI runner's other
// jobs), each started here and ended by its PID. Prints one JSON object, then a Markdown table
// with the load average before each run. Usage:
//   tsx scripts/bench/suite.ts [--runs 1] [--loads 0,2]
// (On a machine shared with other people's suites, serialise: flock /tmp/orch-fullsuite.lock ...)
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { REPO_ROOT } from '../../bin/build-state.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '1' }, loads: { type: 'string', default: '0,2' } } });
const runs = Number(values.runs);
const loads = values.loads.split(',').map((x) => Number(x.trim()));
if (!Number.isSafeInteger(runs) || runs < 1 || loads.some((n) => !Number.isSafeInteger(n) || n < 0 || n > 16)) {
  process.stderr.write(`suite bench: --runs ${JSON.stringify(values.runs)} (a whole number >= 1) or --loads ${JSON.stringify(values.loads)} (busy-loop counts from 0 to 16, comma-separated) is invalid\n`);
  process.exit(2);
}

interface Run {
  readonly busyLoops: number;
  readonly seconds: number;
  readonly exitCode: number | undefined;
  /** vitest's own summary line, e.g. "Tests  612 passed (612)". */
  readonly tests: string;
  readonly loadBefore: string;
}

function busyLoop(): ChildProcess {
  const child = spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' });
  child.unref();
  return child;
}

const plainSummary = (out: string) =>
  out
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .find((l) => /^\s*Tests\s/.test(l))
    ?.trim()
    .replace(/\s+/g, ' ') ?? '(no summary)';

/** The failed tests of a vitest run and the first lines of each failure's report. */
const failures = (out: string) => {
  const lines = out.replace(/\u001b\[[0-9;]*m/g, '').split('\n');
  const start = lines.findIndex((l) => /Failed Tests \d+/.test(l));
  return (start === -1 ? lines.filter((l) => /\bFAIL\b|×/.test(l)) : lines.slice(start, start + 60)).join('\n');
};

const results: Run[] = [];
for (const busyLoops of loads) {
  for (let i = 0; i < runs; i++) {
    const loops = Array.from({ length: busyLoops }, busyLoop);
    try {
      const loadBefore = loadavg().map((l) => l.toFixed(2)).join(' ');
      const t0 = performance.now();
      const r = await execa('npm', ['test'], { cwd: REPO_ROOT, reject: false, all: true, env: { FORCE_COLOR: '0' } });
      const seconds = (performance.now() - t0) / 1000;
      results.push({ busyLoops, seconds, exitCode: r.exitCode, tests: plainSummary(r.all ?? ''), loadBefore });
      process.stderr.write(`suite bench: ${busyLoops} busy loop(s), run ${i + 1}: ${seconds.toFixed(1)} s, exit ${r.exitCode}, ${plainSummary(r.all ?? '')}\n`);
      // A red run names what failed and why, so a flake can be chased instead of guessed at.
      if (r.exitCode !== 0) process.stderr.write(`${failures(r.all ?? '')}\n`);
    } finally {
      for (const loop of loops) if (loop.pid !== undefined && loop.exitCode === null) process.kill(loop.pid, 'SIGKILL');
    }
  }
}

process.stdout.write(`${JSON.stringify({ runs: results })}\n\n`);
process.stdout.write('| machine | run | wall | exit | tests | load average before (1, 5, 15 min) |\n|---|---:|---:|---:|---|---|\n');
const seen = new Map<number, number>();
for (const r of results) {
  const n = (seen.get(r.busyLoops) ?? 0) + 1;
  seen.set(r.busyLoops, n);
  process.stdout.write(`| ${r.busyLoops === 0 ? 'as is' : `${r.busyLoops} busy loops`} | ${n} | ${r.seconds.toFixed(1)} s | ${r.exitCode ?? '-'} | ${r.tests.replaceAll("|", "\\|")} | ${r.loadBefore} |\n`);
}
if (results.some((r) => r.exitCode !== 0)) process.exitCode = 1;
