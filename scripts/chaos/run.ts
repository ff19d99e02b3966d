// The chaos run of issue 19, as an operator's bad day would go: N tasks of fixtures/repos/sample
// through the whole pipeline with fixtures/agents/fake-agent (each LLM step sleeps, each task's
// developer step commits a file of its own, so no two branches conflict), M `orch worker
// --concurrency 2` processes SIGKILLed K times at random moments (each one restarted at once; a gap
// of 1-4 s counts from the moment every live worker has started, so a slow start-up does not eat it),
// then ONE `orch worker --until-idle` drains what is left. On SQLite and on a throwaway PostgreSQL
// (fixtures/pg/server.ts).
//
// Checks, per engine: every task done, none blocked; each transition once; one commit per
// developer step (one per task on the base, linear history); one merge per task; no process left
// (by the run's marker and by PID, never by name); the drain within its bound. Prints the figures
// (a JSON line per engine and a Markdown table) and exits 1 when a check fails.
//
// Usage: tsx scripts/chaos/run.ts [--tasks 8] [--kills 25] [--workers 2] [--engines sqlite,postgres]
//        [--gap-min-ms 1000] [--gap-max-ms 4000] [--step-ms 400] [--drain-bound-s 60] [--seed N]
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { execa, type ResultPromise } from 'execa';
import pg from 'pg';
import { quote } from 'shell-quote';
import { killHolders, markerHolders } from '../../fixtures/proc/marker-scan.ts';
import { startPgServer, type PgServer } from '../../fixtures/pg/server.ts';
import { loadConfig } from '../../src/config/load.ts';
import { addTask } from '../../src/pipeline/add-task.ts';
import { STAGES } from '../../src/core/stages.ts';
import { openStore, type Store } from '../../src/store/db.ts';
import { ownerReaps } from '../../src/worker/reaper.ts';
import { pidIsDead } from '../../src/proc/identity.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ORCH = join(ROOT, 'bin/orch.js');
const FAKE_AGENT = join(ROOT, 'fixtures/agents/fake-agent');
const MERGE_GREEN = join(ROOT, 'fixtures/suites/merge-green.sh');
const MARKER = 'CHAOS_RUN_MARKER'; // not ORCH_*: orch refuses an unknown ORCH_ key
const ENGINES = ['sqlite', 'postgres'] as const;
type Engine = (typeof ENGINES)[number];

const { values: args } = parseArgs({
  options: {
    tasks: { type: 'string', default: '8' },
    kills: { type: 'string', default: '25' },
    workers: { type: 'string', default: '2' },
    engines: { type: 'string', default: 'sqlite,postgres' },
    'gap-min-ms': { type: 'string', default: '1000' },
    'gap-max-ms': { type: 'string', default: '4000' },
    'step-ms': { type: 'string', default: '400' },
    'drain-bound-s': { type: 'string', default: '60' },
    seed: { type: 'string' },
  },
});

function whole(name: string, raw: string | undefined, min: number): number {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} ${JSON.stringify(raw)} is invalid: a whole number >= ${min}`);
  return n;
}
const N = whole('tasks', args.tasks, 1);
const K = whole('kills', args.kills, 0);
const M = whole('workers', args.workers, 1);
const GAP_MIN = whole('gap-min-ms', args['gap-min-ms'], 0);
const GAP_MAX = whole('gap-max-ms', args['gap-max-ms'], GAP_MIN);
const STEP_MS = whole('step-ms', args['step-ms'], 0);
const DRAIN_BOUND_S = whole('drain-bound-s', args['drain-bound-s'], 1);
const engines = (args.engines ?? '').split(',').map((e) => e.trim()).filter(Boolean);
for (const e of engines) if (!ENGINES.includes(e as Engine)) throw new Error(`--engines ${JSON.stringify(args.engines)} is invalid: a comma-separated list of ${ENGINES.join(', ')}`);

// A small seeded generator (mulberry32): a failing run can be repeated with its seed.
let seed = args.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : whole('seed', args.seed, 0);
const SEED = seed;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

interface Figures {
  engine: Engine;
  tasks: number;
  done: number;
  blocked: number;
  kills: number;
  workerStarts: number;
  reaps: number;
  repeatedTransitions: number;
  devCommits: number;
  merges: number;
  /** Merges a SIGKILL cut off from their record, recorded by the next attempt from the merge intent. */
  recoveredMerges: number;
  mergeCommits: number;
  locksBroken: number;
  lockWaits: number;
  infraRequeues: number;
  leftovers: number;
  chaosS: number;
  drainS: number;
  totalS: number;
  drainStoppedBy: string;
  failures: string[];
}

const git = async (dir: string, ...a: string[]) =>
  (await execa('git', ['-c', 'user.name=orch-chaos', '-c', 'user.email=chaos@example.invalid', '-c', 'commit.gpgsign=false', '-C', dir, ...a], { env: { GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' } })).stdout;

async function pgDatabase(server: PgServer): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `orch_chaos_${randomUUID().slice(0, 8)}`;
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: server.adminUrl });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(server.adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

async function runEngine(engine: Engine, server: PgServer | null): Promise<Figures> {
  const t0 = performance.now();
  const scratch = mkdtempSync(join(tmpdir(), `orch-chaos-${engine}-`));
  const home = join(scratch, 'home');
  const repo = join(scratch, 'repo');
  const marker = randomUUID();
  const failures: string[] = [];
  const db = server ? await pgDatabase(server) : null;
  const workers = new Set<ResultPromise>();
  let store: Store | undefined;
  try {
    cpSync(join(ROOT, 'fixtures/repos/sample'), repo, { recursive: true });
    await git(repo, 'init', '--quiet', '--initial-branch=main');
    await git(repo, 'add', '--all');
    await git(repo, 'commit', '--quiet', '-m', 'sample project');
    const start = await git(repo, 'rev-parse', 'main');

    const stepMs = STEP_MS;
    const scenario = {
      roles: {
        analyst: [{ sleepMs: stepMs }],
        architect: [{ sleepMs: stepMs }],
        developer: [{ sleepMs: stepMs, commit: { file: 'chaos/task-{task}.txt', content: 'the change of task {task}\n', message: 'developer: the change of task {task}' } }],
        reviewer: [{ sleepMs: stepMs, verdict: 'APPROVED' }],
        tester: [{ sleepMs: stepMs, verdict: 'PASSED' }],
        deployer: [{ sleepMs: stepMs, verdict: 'PASSED' }],
      },
    };
    const scenarioPath = join(scratch, 'scenario.json');
    writeFileSync(scenarioPath, JSON.stringify(scenario));
    const vars: Record<string, string> = {
      ORCH_HOME: home,
      ORCH_DATABASE_URL: db?.url ?? '',
      ORCH_AGENT_CMD: quote(['env', `${MARKER}=${marker}`, process.execPath, FAKE_AGENT, '--scenario', scenarioPath]),
      // A lease far longer than the run: only the dead-owner judgment (host, pid, start time) can
      // free a killed worker's jobs and locks in time.
      ORCH_WORKER_LEASE_S: '300',
      ORCH_WORKER_POLL_S: '0.1',
      ORCH_REAPER_INTERVAL_S: '0.5',
      ORCH_REAPER_MAX_RUNNING_S: '600',
      ORCH_STAGING_RUNNER_TIMEOUT_S: '60',
      ORCH_KILL_GRACE_S: '0.3',
      ORCH_AGENT_TIMEOUT_S: '60',
      ORCH_DEPLOY_TIMEOUT_S: '30',
      ORCH_MONITOR_TIMEOUT_S: '5',
      ORCH_MONITOR_PROBES: '1',
      ORCH_MONITOR_INTERVAL_S: '0',
      ORCH_STAGING_RUNNER_ENABLED: 'false',
      ORCH_MERGE_RETEST_CMD: quote(['bash', MERGE_GREEN]),
      ORCH_MERGE_RETEST_TIMEOUT_S: '60',
      ORCH_MERGE_RETRY_BACKOFF_S: '1',
      ORCH_MERGE_LOCK_WAIT_S: '30',
    };
    const config = loadConfig({ env: vars, envFile: false });
    store = await openStore(config);
    const ids: number[] = [];
    for (let i = 1; i <= N; i++) {
      await git(repo, 'branch', `chaos/${i}`, 'main');
      const { task } = await addTask({ store, config }, { repo, branch: `chaos/${i}`, base: 'main', title: `chaos task ${i}` });
      ids.push(task.id);
    }

    const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ORCH_')));
    const env = { ...baseEnv, ...vars, [MARKER]: marker };
    let starts = 0;
    const ready = new WeakMap<ResultPromise, Promise<void>>();
    const startWorker = (extra: string[] = []): ResultPromise => {
      starts++;
      // orch-inventory-ignore: starts `orch worker` processes (the agents they run are the fake agent)
      const p = execa(process.execPath, [ORCH, 'worker', '--concurrency', '2', ...extra], { env, extendEnv: false, reject: false, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', cwd: scratch });
      workers.add(p);
      void p.finally(() => workers.delete(p));
      // Up once it says so (or has ended): a kill gap counts from there, so that on a slow machine
      // (a cold start can take seconds) the kills still land mid-work, not during start-up.
      ready.set(
        p,
        new Promise<void>((resolve) => {
          p.stderr?.on('data', (chunk: Buffer) => {
            if (/ started \(concurrency/.test(String(chunk))) resolve();
          });
          void p.finally(() => resolve());
        }),
      );
      return p;
    };
    const allDone = async () => {
      const rows = await store!.db.selectFrom('tasks').select('state').execute();
      return rows.every((r) => r.state !== 'active');
    };

    // Chaos: M workers always running; every gap, one of them (at random) is SIGKILLed and replaced.
    const tChaos = performance.now();
    const live: ResultPromise[] = Array.from({ length: M }, () => startWorker());
    let kills = 0;
    while (kills < K) {
      await Promise.all(live.map((w) => ready.get(w)));
      await sleep(GAP_MIN + Math.floor(random() * (GAP_MAX - GAP_MIN + 1)));
      const at = Math.floor(random() * live.length);
      const victim = live[at] as ResultPromise;
      if (victim.pid !== undefined && victim.exitCode === null && !pidIsDead(victim.pid)) process.kill(victim.pid, 'SIGKILL');
      kills++;
      await victim;
      live[at] = startWorker();
    }
    // The bad day ends as it went: the last workers are killed too, mid-whatever.
    for (const w of live) if (w.pid !== undefined && w.exitCode === null && !pidIsDead(w.pid)) process.kill(w.pid, 'SIGKILL');
    await Promise.all(live);
    const chaosS = (performance.now() - tChaos) / 1000;

    // The drain: ONE `orch worker --until-idle`, bounded.
    const tDrain = performance.now();
    const drain = startWorker(['--until-idle', '--json']);
    const bound = setTimeout(() => {
      if (drain.pid !== undefined && !pidIsDead(drain.pid)) process.kill(drain.pid, 'SIGKILL');
    }, (DRAIN_BOUND_S + 60) * 1000);
    const drained = await drain;
    clearTimeout(bound);
    const drainS = (performance.now() - tDrain) / 1000;
    let drainStoppedBy = `exit ${drained.exitCode ?? drained.signal}`;
    try {
      const summary = JSON.parse(String(drained.stdout)) as { stoppedBy?: string; waiting?: unknown[] };
      drainStoppedBy = `${summary.stoppedBy}${summary.waiting?.length ? `, ${summary.waiting.length} waiting` : ''}`;
    } catch {
      failures.push(`the drain printed no summary (exit ${drained.exitCode ?? drained.signal}): ${String(drained.stderr).split('\n').slice(-5).join(' | ')}`);
    }
    if (drainS > DRAIN_BOUND_S) failures.push(`the drain took ${drainS.toFixed(1)} s, over the ${DRAIN_BOUND_S} s bound`);
    if (!(await allDone())) failures.push('tasks still active after the drain');

    // The record.
    const tasks = await store.db.selectFrom('tasks').select(['id', 'state', 'stage', 'blocked_reason']).orderBy('id').execute();
    const done = tasks.filter((t) => t.state === 'done').length;
    const blocked = tasks.filter((t) => t.state === 'blocked');
    for (const t of tasks) if (t.state !== 'done') failures.push(`task ${t.id} is ${t.state} on ${t.stage}${t.blocked_reason ? `: ${t.blocked_reason}` : ''}`);
    const transitions = await store.db.selectFrom('transitions').select(['task_id', 'from_stage', 'to_stage']).orderBy('id').execute();
    const seen = new Map<string, number>();
    for (const t of transitions) seen.set(`${t.task_id}:${t.from_stage}->${t.to_stage}`, (seen.get(`${t.task_id}:${t.from_stage}->${t.to_stage}`) ?? 0) + 1);
    const repeated = [...seen.values()].filter((n) => n > 1).reduce((a, n) => a + n - 1, 0);
    if (repeated > 0) failures.push(`${repeated} repeated transition(s): ${[...seen].filter(([, n]) => n > 1).map(([k, n]) => `${k} x${n}`).join(', ')}`);
    const expected = STAGES.length - 1;
    for (const id of ids) {
      const n = transitions.filter((t) => t.task_id === id).length;
      if (n !== expected) failures.push(`task ${id} has ${n} transition(s), not ${expected}`);
    }
    // One commit per developer step, on the base; one merge per task; linear history.
    const onMain = (await git(repo, 'rev-list', '--reverse', `${start}..main`)).split('\n').filter(Boolean);
    const mergeCommits = Number(await git(repo, 'rev-list', '--merges', '--count', `${start}..main`));
    if (mergeCommits !== 0) failures.push(`${mergeCommits} merge commit(s) on main: history is not linear`);
    let devCommits = 0;
    for (const id of ids) {
      const touching = (await git(repo, 'rev-list', `${start}..main`, '--', `chaos/task-${id}.txt`)).split('\n').filter(Boolean).length;
      devCommits += touching;
      if (touching !== 1) failures.push(`task ${id}: ${touching} commit(s) of its developer step on main, not 1`);
    }
    if (onMain.length !== N) failures.push(`${onMain.length} commit(s) on main, not ${N}`);
    const gates = await store.db.selectFrom('gate_results').select(['task_id', 'detail']).where('check_id', '=', 'check_branch_mergeable').execute();
    const parsed = gates.map((g) => ({ task: g.task_id, d: g.detail ? (JSON.parse(g.detail) as Record<string, unknown>) : {} }));
    const merges = parsed.filter((g) => g.d.merged === true);
    // Exactly one recorded merge per task, kills or not: a worker SIGKILLed between its merge and
    // the record leaves the merge intent, and the next attempt records the merge from it
    // (docs/architecture/merge-gate.md, "A kill between the merge and its record").
    for (const id of ids) {
      const n = merges.filter((g) => g.task === id).length;
      const upToDate = parsed.some((g) => g.task === id && g.d.upToDate === true);
      if (n !== 1) failures.push(`task ${id}: ${n} recorded merge(s), not 1${upToDate ? ' (and an up-to-date attempt)' : ''}`);
    }
    const intents = await store.db.selectFrom('merge_intents').select('task_id').execute();
    if (intents.length > 0) failures.push(`merge intent(s) left for task(s) ${intents.map((i) => i.task_id).join(', ')}`);
    const jobs = await store.db.selectFrom('jobs').select(['detail', 'infra_attempts']).execute();
    const reaps = jobs.reduce((n, j) => n + ownerReaps(j.detail), 0);
    const infraRequeues = parsed.filter((g) => g.d.infraRetry !== undefined).length;

    // Nothing left: no process with the run's marker, no worker PID alive.
    await sleep(200);
    const left = markerHolders(MARKER, marker);
    const leftPids = [...workers].map((w) => w.pid).filter((p): p is number => p !== undefined && !pidIsDead(p));
    if (left.length > 0) failures.push(`${left.length} process(es) left with the run's marker: ${left.map((h) => h.pid).join(', ')}`);
    if (leftPids.length > 0) failures.push(`worker process(es) still running: ${leftPids.join(', ')}`);
    if (failures.length > 0) {
      // Kept for the post-mortem (the scratch folder is removed).
      const drainLog = join(tmpdir(), `orch-chaos-drain-${engine}-${SEED}.log`);
      writeFileSync(drainLog, String(drained.stderr));
      failures.push(`the drain's log is ${drainLog}`);
    }

    return {
      engine,
      tasks: N,
      done,
      blocked: blocked.length,
      kills,
      workerStarts: starts,
      reaps,
      repeatedTransitions: repeated,
      devCommits,
      merges: merges.length,
      recoveredMerges: merges.filter((g) => g.d.recovered === true).length,
      mergeCommits,
      locksBroken: parsed.filter((g) => g.d.lockBroken !== null && g.d.lockBroken !== undefined).length,
      lockWaits: parsed.filter((g) => g.d.lockWait !== null && g.d.lockWait !== undefined).length,
      infraRequeues,
      leftovers: left.length + leftPids.length,
      chaosS: round(chaosS),
      drainS: round(drainS),
      totalS: round((performance.now() - t0) / 1000),
      drainStoppedBy,
      failures,
    };
  } finally {
    for (const w of workers) if (w.pid !== undefined && !pidIsDead(w.pid)) process.kill(w.pid, 'SIGKILL');
    killHolders(MARKER, marker);
    await store?.close().catch(() => undefined);
    await db?.drop().catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
  }
}

const round = (s: number) => Math.round(s * 10) / 10;

const results: Figures[] = [];
let server: PgServer | null = null;
try {
  for (const engine of engines as Engine[]) {
    if (engine === 'postgres') server ??= await startPgServer({ maxConnections: 200 });
    process.stderr.write(`chaos: ${engine}: ${N} task(s), ${K} kill(s) of ${M} worker(s), gaps ${GAP_MIN}-${GAP_MAX} ms, seed ${SEED}\n`);
    const f = await runEngine(engine, engine === 'postgres' ? server : null);
    results.push(f);
    process.stdout.write(`${JSON.stringify(f)}\n`);
  }
} finally {
  await server?.stop();
}

const header = ['engine', 'done', 'blocked', 'kills', 'worker starts', 'reaps', 'repeated transitions', 'dev commits', 'merges', 'recovered merges', 'locks broken', 'lock waits', 'infra re-queues', 'leftovers', 'chaos s', 'drain s', 'total s'];
process.stdout.write(`\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|\n`);
for (const f of results) {
  const row = [f.engine, `${f.done}/${f.tasks}`, f.blocked, f.kills, f.workerStarts, f.reaps, f.repeatedTransitions, `${f.devCommits}/${f.tasks}`, `${f.merges}/${f.tasks}`, f.recoveredMerges, f.locksBroken, f.lockWaits, f.infraRequeues, f.leftovers, f.chaosS, f.drainS, f.totalS];
  process.stdout.write(`| ${row.join(' | ')} |\n`);
}
const failed = results.filter((f) => f.failures.length > 0);
for (const f of failed) for (const line of f.failures) process.stderr.write(`chaos: ${f.engine}: FAIL: ${line}\n`);
process.stderr.write(failed.length === 0 ? `chaos: all checks passed (seed ${SEED})\n` : `chaos: ${failed.length} engine run(s) failed (seed ${SEED})\n`);
process.exitCode = failed.length === 0 ? 0 : 1;
