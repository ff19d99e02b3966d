// One worker process of the queue bench (scripts/bench/queue.ts): opens the store that
// ORCH_DATABASE_URL names (already seeded and migrated by the bench), says `ready`, waits for `go`
// on stdin so that process start-up is not measured, then claims and finishes jobs the way the
// worker does (claimNextJob, then completeJob in a write transaction) until the queue is empty.
// Talks to the bench in JSON lines on stdout: {type:'ready'}, {type:'done', count, lastFinishMs},
// or {type:'error', message} before exiting 1. Runs on import: the bench imports its types only.
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { openPostgresStore, openSqliteStore, storeTarget, type Store } from '../../../src/store/db.ts';
import { claimNextJob, completeJob } from '../../../src/store/repos/job-queue.ts';
import { writeTransaction } from '../../../src/store/tx.ts';

/** Consecutive empty claims, IDLE_PAUSE_MS apart, before the worker asks whether the queue is empty. */
const IDLE_CLAIMS = 3;
const IDLE_PAUSE_MS = 20;
/** Longer than any bench run: no lease expires while it is measured. */
const LEASE_MS = 10 * 60_000;
/** A worker needs one connection at a time (claim, then finish). */
const PG_POOL_MAX = 2;

export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly count: number; /** Epoch ms (sub-ms) of the last finish; null if none. */ readonly lastFinishMs: number | null }
  | { readonly type: 'error'; readonly message: string };

function send(message: WorkerMessage): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** The store the bench prepared; the bench migrated it, so workers do not race to. */
async function openBenchStore(url: string | undefined): Promise<Store> {
  if (!url) throw new Error('queue-worker: ORCH_DATABASE_URL is empty; the bench passes the seeded store (a SQLite path or a postgres:// URL)');
  const target = storeTarget({ ORCH_HOME: '', ORCH_DATABASE_URL: url });
  return target.dialect === 'postgres' ? openPostgresStore(target.url, { migrate: false, poolMax: PG_POOL_MAX }) : openSqliteStore(target.path);
}

/** Resolves on the first `go` line on stdin; rejects if stdin ends first (the bench went away). */
async function waitForGo(): Promise<void> {
  const lines = createInterface({ input: process.stdin });
  try {
    for await (const line of lines) if (line.trim() === 'go') return;
    throw new Error('queue-worker: stdin closed before "go"');
  } finally {
    lines.close();
    process.stdin.destroy();
  }
}

async function queuedJobs(store: Store): Promise<number> {
  const row = await store.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'queued').executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Claim-and-finish until the claims come back empty and no job is left queued. */
async function drain(store: Store, owner: string): Promise<Extract<WorkerMessage, { type: 'done' }>> {
  let count = 0;
  let empty = 0;
  let lastFinishMs: number | null = null;
  for (;;) {
    const now = Date.now();
    const job = await claimNextJob(store, { owner, now: new Date(now).toISOString(), leaseUntil: new Date(now + LEASE_MS).toISOString() });
    if (job) {
      empty = 0;
      const at = new Date().toISOString();
      const done = await writeTransaction(store, (trx) => completeJob(trx, job.id, owner, { state: 'succeeded', outcome: 'bench', detail: {}, at }));
      if (!done) throw new Error(`queue-worker ${owner}: completeJob refused job ${job.id} (its lease is no longer ours)`);
      count++;
      lastFinishMs = performance.timeOrigin + performance.now();
      continue;
    }
    if (++empty >= IDLE_CLAIMS) {
      if ((await queuedJobs(store)) === 0) return { type: 'done', count, lastFinishMs };
      empty = 0;
    }
    await sleep(IDLE_PAUSE_MS);
  }
}

async function main(): Promise<void> {
  const store = await openBenchStore(process.env.ORCH_DATABASE_URL);
  try {
    send({ type: 'ready' });
    await waitForGo();
    send(await drain(store, `bench-${process.pid}`));
  } finally {
    await store.close();
  }
}

try {
  await main();
} catch (error) {
  send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exitCode = 1;
}
