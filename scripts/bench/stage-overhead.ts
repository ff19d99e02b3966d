// Issue 13.11: the overhead of `orch stage` over the raw suite, on a real npm library (ms + uvu
// from the registry) whose suite takes about 1 s, on a green branch already based on main, with
// the dependency cache warm. Side by side, median of RUNS each:
//   raw         `npm test` in a checkout that has its node_modules
//   orch stage  `node bin/orch.js stage --json` of a new branch each run (a new task: the staging
//               run, the dependency step from the warm cache, the merge gate without --merge),
//               through the compiled CLI (dist/ is rebuilt first when stale, as `npm ci` leaves it)
// Prints JSON and a Markdown table. Usage: tsx scripts/bench/stage-overhead.ts [runs=5]
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { buildCli } from '../build.ts';

const RUNS = Number(process.argv[2] ?? 5);
const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/orch.js');
const IDENTITY = ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', '-c', 'commit.gpgsign=false'];

const PACKAGE = { name: 'durations', version: '1.0.0', private: true, type: 'module', scripts: { test: 'uvu tests' }, dependencies: { ms: '2.1.3' }, devDependencies: { uvu: '0.5.6' } };
// About one second of suite: the test waits 1 s, as a small real suite would spend.
const TEST = "import { test } from 'uvu';\nimport * as assert from 'uvu/assert';\nimport ms from 'ms';\n\ntest('one hour, after a second', async () => {\n  await new Promise((r) => setTimeout(r, 1000));\n  assert.is(ms('1h'), 3600000);\n});\n\ntest.run();\n";

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/**
 * Run argv under /usr/bin/time: wall ms and CPU ms (user + sys of the process and every
 * descendant it waited for). CPU is the figure a loaded machine distorts least.
 */
async function measured(argv: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<{ wallMs: number; cpuMs: number; stdout: string; stderr: string; exitCode: number }> {
  const out = join(root, `time-${process.hrtime.bigint()}`);
  const t0 = performance.now();
  const r = await execa('/usr/bin/time', ['-f', '%U %S', '-o', out, ...argv], { ...options, reject: false });
  const wallMs = performance.now() - t0;
  const [user = 0, sys = 0] = readFileSync(out, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  return { wallMs, cpuMs: (user + sys) * 1000, stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? -1 };
}

// A stale build would measure tsx compiling orch on every start, not what a user runs.
const build = await buildCli({ ifStale: true });
const loadAtStart = loadavg()[0] as number;
const root = mkdtempSync(join(tmpdir(), 'orch-bench-stage-'));
try {
  const repo = join(root, 'repo');
  const home = join(root, 'home');
  mkdirSync(join(repo, 'tests'), { recursive: true });
  writeFileSync(join(repo, 'package.json'), `${JSON.stringify(PACKAGE, null, 2)}\n`);
  writeFileSync(join(repo, 'tests/duration.js'), TEST);
  writeFileSync(join(repo, '.gitignore'), 'node_modules/\n');
  await execa('npm', ['install', '--no-audit', '--no-fund'], { cwd: repo });
  const git = (...args: string[]) => execa('git', [...IDENTITY, '-C', repo, ...args]);
  await git('init', '--quiet', '--initial-branch=main');
  await git('add', '--all');
  await git('commit', '--quiet', '-m', 'library');
  const env = { ...process.env, ORCH_HOME: home, ORCHSTAGE_PARENT_PID: '' };

  // Raw: the suite itself, where it has its dependencies.
  const raw: Array<{ wallMs: number; cpuMs: number }> = [];
  for (let i = 0; i < RUNS; i++) raw.push(await measured(['npm', 'test'], { cwd: repo }));

  // Warm the dependency cache once (a stage of a branch of its own), then measure new branches.
  const stageBranch = async (name: string) => {
    await git('branch', name, 'main');
    await git('checkout', '--quiet', name);
    writeFileSync(join(repo, `${name}.txt`), `${name}\n`);
    await git('add', '--all');
    await git('commit', '--quiet', '-m', name);
    await git('checkout', '--quiet', 'main');
    const r = await measured([process.execPath, BIN, 'stage', '--repo', repo, '--branch', name, '--json'], { env });
    if (r.exitCode !== 0) throw new Error(`orch stage ${name} exited ${r.exitCode}: ${r.stderr}`);
    const report = JSON.parse(r.stdout) as { staging?: { durationMs?: number }; mergeGate?: { skippedRetest?: boolean } };
    return { ms: r.wallMs, cpuMs: r.cpuMs, suiteMs: report.staging?.durationMs ?? null, skippedRetest: report.mergeGate?.skippedRetest ?? null };
  };
  await stageBranch('warm-up');
  const staged: Array<{ ms: number; cpuMs: number; suiteMs: number | null; skippedRetest: boolean | null }> = [];
  for (let i = 0; i < RUNS; i++) staged.push(await stageBranch(`bench-${i}`));

  const rawMs = median(raw.map((r) => r.wallMs));
  const stageMs = median(staged.map((s) => s.ms));
  const rawCpu = median(raw.map((r) => r.cpuMs));
  const stageCpu = median(staged.map((s) => s.cpuMs));
  const result = {
    runs: RUNS,
    rawMedianMs: Math.round(rawMs),
    stageMedianMs: Math.round(stageMs),
    overheadMs: Math.round(stageMs - rawMs),
    rawCpuMedianMs: Math.round(rawCpu),
    stageCpuMedianMs: Math.round(stageCpu),
    cli: `dist/${build.record.dir}${build.built ? ' (built for this run)' : ''}`,
    loadAverage: { start: Number(loadAtStart.toFixed(2)), end: Number((loadavg()[0] as number).toFixed(2)) },
    stagedSuiteMedianMs: Math.round(median(staged.map((s) => s.suiteMs ?? 0))),
    retestSkipped: staged.every((s) => s.skippedRetest === true),
    // Every run, so a median moved by a neighbour's burst shows as such.
    rawWallMs: raw.map((r) => Math.round(r.wallMs)),
    stageWallMs: staged.map((s) => Math.round(s.ms)),
    withinBudget: stageMs <= rawMs + 1500,
  };
  console.log(JSON.stringify(result));
  console.log('');
  console.log(`load average (1 min) ${result.loadAverage.start} at the start, ${result.loadAverage.end} at the end; CLI ${result.cli}`);
  console.log('');
  console.log('| measure (median of ' + RUNS + ') | wall ms | CPU ms |');
  console.log('|---|---|---|');
  console.log(`| raw suite (\`npm test\`) | ${result.rawMedianMs} | ${result.rawCpuMedianMs} |`);
  console.log(`| \`orch stage\` (new branch, warm dependency cache, no --merge) | ${result.stageMedianMs} | ${result.stageCpuMedianMs} |`);
  console.log(`| of which the staged suite run | ${result.stagedSuiteMedianMs} | |`);
  console.log(`| overhead | ${result.overheadMs} (budget 1500) | ${result.stageCpuMedianMs - result.rawCpuMedianMs} |`);
  console.log(`| merge gate re-test skipped (proven no-op at the validated HEAD) | ${result.retestSkipped ? 'every run' : 'NOT every run'} | |`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
