// Benchmark of the process-group runner against execa's `timeout` alone and GNU `timeout -k`, on
// the fixture trees (a)-(d). For each: survivors (checked from outside by the fixture's own marker)
// and kill latency = time from the deadline until every process of the tree is dead, median of N.
// Prints one JSON object, then a Markdown table. Usage: tsx scripts/bench/proc-group.ts [--runs 5]
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { fixture, killHolders, markerHolders } from '../../fixtures/proc/marker-scan.ts';
import { runInGroup } from '../../src/proc/index.ts';

const TIMEOUT_MS = 800;
const GRACE_MS = 500;
/** How long after the deadline a tree may take before what is left counts as survivors. */
const CAP_MS = GRACE_MS + 1_500;
const POLL_MS = 20;
const MARKER = 'BENCH_RUN_MARKER'; // not ORCH_*: orch refuses an unknown ORCH_ key

const TREES = {
  '(a) fan-out of 100': 'fanout.sh',
  '(b) SIGTERM ignorer': 'ignore-term.sh',
  '(c) setsid grandchild': 'setsid-grandchild.sh',
  '(d) double-fork daemon': 'daemon.sh',
} as const;

type RunnerName = 'orch runInGroup' | 'execa timeout' | 'GNU timeout -k';

interface Sample {
  survivors: number;
  /** null: not all dead within the cap. */
  latencyMs: number | null;
  /** Whether the runner's own promise or process had finished by the cap. */
  settled: boolean;
}

/** Start the tree under `runner`; resolves when the runner says it is done (it may never). */
function launch(runner: RunnerName, file: string, env: Record<string, string>, logDir: string): Promise<unknown> {
  switch (runner) {
    case 'orch runInGroup':
      return runInGroup({ file, timeoutMs: TIMEOUT_MS, graceMs: GRACE_MS, env, logDir });
    case 'execa timeout':
      // execa's defaults (pipes, buffering) plus its timeout and force-kill: what most code does.
      return execa(file, { timeout: TIMEOUT_MS, forceKillAfterDelay: GRACE_MS, env, reject: false });
    case 'GNU timeout -k':
      return execa('timeout', ['-k', `${GRACE_MS / 1000}s`, `${TIMEOUT_MS / 1000}s`, file], { env, reject: false, stdio: 'ignore' });
  }
}

async function sample(runner: RunnerName, script: string, logDir: string): Promise<Sample> {
  const value = randomUUID();
  const started = performance.now();
  let settled = false;
  const launched = launch(runner, fixture(script), { [MARKER]: value }, logDir).then(() => {
    settled = true;
  });
  const deadline = started + TIMEOUT_MS;
  await sleep(Math.max(0, deadline - performance.now()));
  let latencyMs: number | null = null;
  let left = markerHolders(MARKER, value).length;
  while (performance.now() < deadline + CAP_MS) {
    if (left === 0) {
      latencyMs = Math.round(performance.now() - deadline);
      break;
    }
    await sleep(POLL_MS);
    left = markerHolders(MARKER, value).length;
  }
  if (left === 0 && latencyMs === null) latencyMs = Math.round(performance.now() - deadline);
  // Did the runner itself come back (by the cap)? A promise waiting on a pipe never does.
  await Promise.race([launched, sleep(Math.max(0, deadline + CAP_MS - performance.now()))]);
  const result = { survivors: left, latencyMs, settled };
  // Leave the machine as we found it: whatever a runner left behind is killed by PID.
  while (killHolders(MARKER, value) > 0) await sleep(10);
  await sleep(50);
  return result;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs ${values.runs} is invalid: a whole number >= 1`);
  const logDir = mkdtempSync(join(tmpdir(), 'orch-bench-proc-'));
  const rows = [];
  try {
    for (const [tree, script] of Object.entries(TREES)) {
      for (const runner of ['orch runInGroup', 'execa timeout', 'GNU timeout -k'] as const) {
        const samples: Sample[] = [];
        for (let i = 0; i < runs; i++) samples.push(await sample(runner, script, logDir));
        const latencies = samples.flatMap((s) => (s.latencyMs === null ? [] : [s.latencyMs]));
        rows.push({
          tree,
          runner,
          runs,
          survivorsMax: Math.max(...samples.map((s) => s.survivors)),
          killLatencyMedianMs: latencies.length === runs ? median(latencies) : null,
          settledRuns: samples.filter((s) => s.settled).length,
          samples,
        });
      }
    }
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
  const target = GRACE_MS + 250;
  const report = { bench: 'proc-group', timeoutMs: TIMEOUT_MS, graceMs: GRACE_MS, capMs: CAP_MS, targetLatencyMs: target, rows };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n\n`);
  const lines = [
    `Timeout ${TIMEOUT_MS} ms, grace ${GRACE_MS} ms, median of ${runs}; survivors = most left in any run, ${CAP_MS} ms after the deadline.`,
    '',
    '| tree | runner | survivors | kill latency (median) | runner finished | target met |',
    '|---|---|---:|---:|---:|:---:|',
    ...rows.map((r) => {
      const latency = r.killLatencyMedianMs === null ? `> ${CAP_MS} ms` : `${r.killLatencyMedianMs} ms`;
      const met = r.survivorsMax === 0 && r.killLatencyMedianMs !== null && r.killLatencyMedianMs <= target;
      return `| ${r.tree} | ${r.runner} | ${r.survivorsMax} | ${latency} | ${r.settledRuns}/${r.runs} | ${met ? 'yes' : 'no'} |`;
    }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  // The bench fails only if orch's own runner misses the target.
  const ours = rows.filter((r) => r.runner === 'orch runInGroup');
  if (ours.some((r) => r.survivorsMax > 0 || r.killLatencyMedianMs === null || r.killLatencyMedianMs > target)) process.exitCode = 1;
}

await main();
