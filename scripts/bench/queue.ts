// Benchmark of the job queue: claim-and-finish throughput (jobs/s) on SQLite and on PostgreSQL with
// 1, 2 and 4 worker PROCESSES (scripts/bench/lib/queue-worker.ts). Each run gets a fresh store
// seeded with N queued jobs, one per task (PostgreSQL's tables ANALYZEd, see seed()); the clock
// runs from the `go` sent to the ready workers to the last worker's report, and the run fails
// unless exactly N jobs succeeded.
// Prints one JSON object, then a Markdown table. Usage: tsx scripts/bench/queue.ts [--jobs 1000] [--runs 3]
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { execa, type ResultPromise } from 'execa';
import { sql } from 'kysely';
import pg from 'pg';
import { startPgServer, type PgServer } from '../../fixtures/pg/server.ts';
import { openPostgresStore, openSqliteStore, type Store, type StoreDialect } from '../../src/store/db.ts';
import { insertJob } from '../../src/store/repos/jobs.ts';
import { insertTask } from '../../src/store/repos/tasks.ts';
import { writeTransaction } from '../../src/store/tx.ts';
import type { WorkerMessage } from './lib/queue-worker.ts';

const BACKENDS: readonly StoreDialect[] = ['sqlite', 'postgres'];
const WORKER_COUNTS = [1, 2, 4] as const;
const WORKER_SCRIPT = fileURLToPath(new URL('./lib/queue-worker.ts', import.meta.url));
/** The repository root: where `--import tsx` resolves. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Start-up (tsx compiles the store code) on a busy 2-core machine. */
const READY_TIMEOUT_MS = 60_000;
const DRAIN_TIMEOUT_MS = 5 * 60_000;
const EXIT_TIMEOUT_MS = 10_000;

interface Options {
  readonly jobs: number;
  readonly runs: number;
}

/** A fresh store for one run: the URL workers open, and how it goes away afterwards. */
interface RunStore {
  readonly url: string;
  drop(): Promise<void>;
}

interface RunResult {
  readonly seconds: number;
  /** Of `seconds`, the time after the last finish: the workers' idle check and their report. */
  readonly tailMs: number;
}

interface Worker {
  readonly pid: number;
  readonly proc: ResultPromise;
  readonly lines: AsyncIterator<string>;
  /** Sends the start barrier's `go`. */
  go(): void;
  stderr(): string;
}

function wholeNumber(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} ${value} is invalid: a whole number >= 1`);
  return n;
}

function parseOptions(): Options {
  const { values } = parseArgs({ options: { jobs: { type: 'string', default: '1000' }, runs: { type: 'string', default: '3' } } });
  return Object.freeze({ jobs: wholeNumber('jobs', values.jobs), runs: wholeNumber('runs', values.runs) });
}

async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

function sqliteRunStore(dir: string, name: string): RunStore {
  const path = join(dir, `${name}.db`);
  return {
    url: path,
    drop: async () => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    },
  };
}

async function postgresRunStore(server: PgServer, name: string): Promise<RunStore> {
  await adminQuery(server.adminUrl, `create database ${name}`);
  const url = new URL(server.adminUrl);
  url.pathname = `/${name}`;
  // FORCE: a worker that was killed mid-run may still hold a session.
  return { url: url.toString(), drop: () => adminQuery(server.adminUrl, `drop database if exists ${name} with (force)`) };
}

/** Open (and migrate) the run's store in the bench process, for seeding and the final count. */
function openRunStore(backend: StoreDialect, url: string): Promise<Store> {
  return backend === 'postgres' ? openPostgresStore(url, { poolMax: 2 }) : openSqliteStore(url);
}

/**
 * N active tasks with one queued job each, in one transaction (not measured). Each engine is left
 * with the planner statistics a live orch database has: PostgreSQL's autovacuum gathers them (a
 * fresh database without them plans the claim as if the tables were empty, and each claim then
 * costs time in proportion to the queue: about 3x slower at 1000 jobs); orch never runs ANALYZE
 * on SQLite (whose claim plan gets slower with statistics).
 */
async function seed(store: Store, jobs: number): Promise<void> {
  await writeTransaction(store, async (trx) => {
    for (let i = 0; i < jobs; i++) {
      const task = await insertTask(trx, { repo: 'bench', branch: `bench/${i}`, base: 'main', title: `bench task ${i}`, stage: 'development' });
      await insertJob(trx, { taskId: task.id, stage: 'development', agent: 'bench' });
    }
  });
  if (store.dialect === 'postgres') await sql`analyze`.execute(store.db);
}

function startWorker(url: string): Worker {
  // orch-inventory-ignore: starts this bench's own queue-worker script with the current Node and tsx
  const proc = execa(process.execPath, ['--import', 'tsx', WORKER_SCRIPT], {
    cwd: ROOT,
    env: { ORCH_DATABASE_URL: url },
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
  });
  const { pid, stdin } = proc;
  if (pid === undefined || stdin === null) throw new Error(`could not start ${WORKER_SCRIPT} (no PID or no stdin pipe)`);
  let stderr = '';
  proc.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  return { pid, proc, lines, go: () => stdin.write('go\n'), stderr: () => stderr.trim() };
}

/** The worker's next message, which must be of type `expected`; an error naming what came instead. */
async function expectMessage<T extends WorkerMessage['type']>(w: Worker, expected: T, timeoutMs: number): Promise<Extract<WorkerMessage, { type: T }>> {
  const timer = new AbortController();
  const next = await Promise.race([w.lines.next(), sleep(timeoutMs, 'timeout' as const, { signal: timer.signal })]).finally(() => timer.abort());
  const where = `queue worker ${w.pid} (waiting for "${expected}")`;
  if (next === 'timeout') throw new Error(`${where}: nothing within ${timeoutMs} ms`);
  if (next.done) throw new Error(`${where}: it closed its output; stderr:\n${w.stderr() || '(empty)'}`);
  let message: WorkerMessage;
  try {
    message = JSON.parse(next.value) as WorkerMessage;
  } catch {
    throw new Error(`${where}: not a JSON line: ${JSON.stringify(next.value)}`);
  }
  if (message.type === 'error') throw new Error(`${where}: it failed: ${message.message}`);
  if (message.type !== expected) throw new Error(`${where}: got ${JSON.stringify(message)}`);
  return message as Extract<WorkerMessage, { type: T }>;
}

/** SIGKILL, by PID, every worker that is still running, and reap them. */
async function killWorkers(workers: readonly Worker[]): Promise<void> {
  for (const w of workers) {
    if (w.proc.exitCode !== null || w.proc.signalCode !== null) continue;
    try {
      process.kill(w.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await Promise.all(workers.map((w) => w.proc));
}

async function waitForExit(w: Worker): Promise<void> {
  const timer = new AbortController();
  const result = await Promise.race([w.proc, sleep(EXIT_TIMEOUT_MS, 'timeout' as const, { signal: timer.signal })]).finally(() => timer.abort());
  if (result === 'timeout') throw new Error(`queue worker ${w.pid} reported but did not exit within ${EXIT_TIMEOUT_MS} ms`);
  if (result.exitCode !== 0) throw new Error(`queue worker ${w.pid} exited with ${result.exitCode ?? result.signal}; stderr:\n${w.stderr() || '(empty)'}`);
}

/** Start `count` workers, wait until all are ready, release them at once and time the drain. */
async function timeDrain(url: string, count: number): Promise<{ counts: number[]; result: RunResult }> {
  const workers: Worker[] = [];
  try {
    for (let i = 0; i < count; i++) workers.push(startWorker(url));
    await Promise.all(workers.map((w) => expectMessage(w, 'ready', READY_TIMEOUT_MS)));
    const go = performance.now();
    for (const w of workers) w.go();
    const reports = await Promise.all(workers.map(async (w) => ({ done: await expectMessage(w, 'done', DRAIN_TIMEOUT_MS), at: performance.now() })));
    const end = Math.max(...reports.map((r) => r.at));
    await Promise.all(workers.map(waitForExit));
    const lastFinish = Math.max(...reports.map((r) => r.done.lastFinishMs ?? 0));
    const tailMs = lastFinish > 0 ? performance.timeOrigin + end - lastFinish : 0;
    return { counts: reports.map((r) => r.done.count), result: { seconds: (end - go) / 1000, tailMs } };
  } finally {
    await killWorkers(workers);
  }
}

/** The run's accounting: the workers' counts and the rows must both say N succeeded, none left. */
async function verify(store: Store, jobs: number, counts: readonly number[]): Promise<void> {
  const claimed = counts.reduce((a, b) => a + b, 0);
  const rows = await store.db.selectFrom('jobs').select(['state']).select((eb) => eb.fn.countAll<number>().as('n')).groupBy('state').execute();
  const byState = Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  const succeeded = byState.succeeded ?? 0;
  const total = rows.reduce((a, r) => a + Number(r.n), 0);
  if (claimed !== jobs || succeeded !== jobs || total !== jobs) {
    throw new Error(`queue bench miscounted: ${jobs} jobs seeded, workers report ${claimed} (${counts.join(' + ')}), the store has ${JSON.stringify(byState)}`);
  }
}

async function runOnce(backend: StoreDialect, runStore: RunStore, workers: number, jobs: number): Promise<RunResult> {
  try {
    const store = await openRunStore(backend, runStore.url);
    try {
      await seed(store, jobs);
      const { counts, result } = await timeDrain(runStore.url, workers);
      await verify(store, jobs, counts);
      return result;
    } finally {
      await store.close();
    }
  } finally {
    await runStore.drop();
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function summarise(backend: StoreDialect, workers: number, jobs: number, results: readonly RunResult[]) {
  const rates = results.map((r) => jobs / r.seconds);
  return {
    backend,
    workers,
    median: Math.round(median(rates)),
    min: Math.round(Math.min(...rates)),
    max: Math.round(Math.max(...rates)),
    seconds: results.map((r) => Number(r.seconds.toFixed(3))),
    tailMs: results.map((r) => Math.round(r.tailMs)),
  };
}

type Cell = ReturnType<typeof summarise>;

function markdown(options: Options, cells: readonly Cell[]): string {
  const cell = (backend: StoreDialect, workers: number): string => {
    const c = cells.find((x) => x.backend === backend && x.workers === workers);
    return c ? `${c.median} (${c.min}–${c.max})` : 'n/a';
  };
  return [
    `Claim-and-finish throughput, jobs/s: median of ${options.runs} run(s) (min–max), ${options.jobs} queued jobs (one per task; PostgreSQL tables ANALYZEd), k worker processes.`,
    `Each time includes the workers' idle check at the end (tailMs in the JSON).`,
    '',
    `| backend | ${WORKER_COUNTS.map((k) => `${k} worker${k === 1 ? '' : 's'}`).join(' | ')} |`,
    `|---|${WORKER_COUNTS.map(() => '---:').join('|')}|`,
    ...BACKENDS.map((b) => `| ${b} | ${WORKER_COUNTS.map((k) => cell(b, k)).join(' | ')} |`),
  ].join('\n');
}

function requireServer(server: PgServer | undefined): PgServer {
  if (!server) throw new Error('queue bench: the PostgreSQL server was not started before its first run');
  return server;
}

async function main(): Promise<void> {
  const options = parseOptions();
  const dir = mkdtempSync(join(tmpdir(), 'orch-bench-queue-'));
  let server: PgServer | undefined;
  const cells: Cell[] = [];
  try {
    for (const backend of BACKENDS) {
      if (backend === 'postgres') server = await startPgServer();
      for (const workers of WORKER_COUNTS) {
        const results: RunResult[] = [];
        for (let run = 1; run <= options.runs; run++) {
          const name = `orch_bench_${workers}w_${run}`;
          const runStore = backend === 'postgres' ? await postgresRunStore(requireServer(server), name) : sqliteRunStore(dir, name);
          results.push(await runOnce(backend, runStore, workers, options.jobs));
        }
        cells.push(summarise(backend, workers, options.jobs, results));
      }
    }
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const report = { bench: 'queue', jobs: options.jobs, runs: options.runs, cells, machine: { cpus: availableParallelism(), node: process.version } };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n\n${markdown(options, cells)}\n`);
}

try {
  await main();
} catch (error) {
  process.stderr.write(`queue bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
