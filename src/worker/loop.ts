// The worker: claim runnable jobs (up to `concurrency` at once), run each with a heartbeated
// lease, run the reaper and the stalled-task sweep now and then. On stop it claims nothing more,
// cancels its runs (their trees are killed) and gives their jobs back to the queue.
import type { Config } from '../config/keys.ts';
import { errorMessage } from '../errors.ts';
import type { Store } from '../store/db.ts';
import { claimNextJob } from '../store/repos/job-queue.ts';
import type { Job } from '../store/schema.ts';
import { deferred } from '../proc/wait.ts';
import { describeWaiting, drainState, type Waiting } from './drain.ts';
import { newWorkerId } from '../proc/identity.ts';
import { resolveWorkerOptions, type ResolvedWorkerOptions, type WorkerOptions } from './options.ts';
import { reap } from './reaper.ts';
import { runJob, type JobEnd } from './run-job.ts';
import { sweepStalled } from './sweep.ts';
import { formatElapsed, stillRunning } from '../util/still-running.ts';

export interface WorkerDeps {
  readonly store: Store;
  readonly config: Config;
}

export interface WorkerSummary {
  readonly workerId: string;
  readonly jobs: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Jobs that ended deferred (an infra fault: they run again after not_before). */
  readonly deferred: number;
  /** Of those, jobs deferred because ORCH_AGENT_CMD's program was not found. */
  readonly agentNotFound: number;
  readonly released: number;
  readonly leaseLost: number;
  readonly errors: number;
  readonly reaped: number;
  readonly stoppedBy: 'idle' | 'signal';
  /** Stopped idle: work left beyond the run's reach (the idle horizon), soonest first, with until when. */
  readonly waiting: readonly Waiting[];
}

/** `950` -> `950 ms`, `41234` -> `41.2 s`, then `2m30s`. */
function formatElapsedMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return formatElapsed(ms);
}

function describe(job: Job, end: JobEnd): string {
  const head = `job ${job.id} ${job.agent} (task ${job.task_id}, ${job.stage})`;
  if (end.kind !== 'finished') return `${head}: ${end.kind}: ${'reason' in end ? end.reason : end.error}`;
  const { report, finish } = end.result;
  const base = `${head}: ${report.agent} (${report.transport}) ${report.status} in ${formatElapsedMs(report.durationMs)}: ${report.reason}`;
  if (finish.kind !== 'recorded') return `${base}; lease lost, nothing recorded`;
  if (finish.failure) return `${base}; ${finish.failure.kind === 'retry' ? `retry queued as job ${finish.failure.jobId}` : finish.failure.kind === 'blocked' ? 'task blocked' : 'no retry'}`;
  if (finish.advance) return `${base}; gate: ${finish.advance.outcome} ${finish.advance.from} -> ${finish.advance.to}`;
  return finish.advanceError ? `${base}; gate error: ${finish.advanceError}` : base;
}

async function housekeeping(deps: WorkerDeps, opts: ResolvedWorkerOptions, self: string): Promise<number> {
  let reaped = 0;
  try {
    for (const r of await reap(deps, self)) {
      if (r.action !== 'lost-race') reaped++;
      opts.log(`reaper: job ${r.jobId} ${r.reason}: ${r.action}${r.killed > 0 ? `, ${r.killed} process(es) killed` : ''}`);
    }
    for (const s of await sweepStalled(deps, opts.leaseMs)) {
      opts.log('error' in s ? `sweep: task ${s.taskId}: ${s.error}` : `sweep: task ${s.taskId}: ${s.result.outcome} ${s.result.from} -> ${s.result.to}`);
    }
  } catch (error) {
    opts.log(`housekeeping failed (will retry): ${errorMessage(error)}`);
  }
  return reaped;
}

/** Nothing within reach: nothing to run or running, no deferred job due and no lock freed within the horizon. */
async function idleState(deps: WorkerDeps, opts: ResolvedWorkerOptions): Promise<{ idle: boolean; waiting: readonly Waiting[] }> {
  const state = await drainState(deps.store.db, new Date(Date.now() + opts.idleHorizonMs).toISOString());
  return { idle: !state.busy, waiting: state.waiting };
}

/** Run until stopped (or, with untilIdle, until there is nothing left to do). */
export async function runWorker(deps: WorkerDeps, options: WorkerOptions = {}): Promise<WorkerSummary> {
  const opts = resolveWorkerOptions(options, deps.config);
  const self = newWorkerId();
  const active = new Map<number, Promise<void>>();
  const counts = { jobs: 0, succeeded: 0, failed: 0, deferred: 0, agentNotFound: 0, released: 0, leaseLost: 0, errors: 0, reaped: 0 };
  let wake = deferred();
  const poke = () => wake.resolve();
  opts.signal.addEventListener('abort', poke, { once: true });
  let nextHousekeeping = 0;
  let stoppedBy: WorkerSummary['stoppedBy'] = 'signal';
  let waiting: readonly Waiting[] = [];
  opts.log(`worker ${self} started (concurrency ${opts.concurrency}${opts.untilIdle ? ', until idle' : ''})`);

  const start = (job: Job) => {
    counts.jobs++;
    opts.log(`job ${job.id} claimed: task ${job.task_id}, ${job.stage}, ${job.agent}, attempt ${job.attempt}`);
    const beat = stillRunning({ label: `job ${job.id} ${job.agent} (task ${job.task_id}, ${job.stage})`, write: opts.log, intervalMs: opts.heartbeatMs });
    const run = runJob({ ...deps, owner: self, leaseMs: opts.leaseMs, stop: opts.signal, onSpawn: (info) => beat.spawned(info) }, job).then((end) => {
      beat.stop();
      if (end.kind === 'finished') {
        const state = end.result.finish.kind === 'recorded' ? end.result.finish.state : null;
        if (state === 'succeeded') counts.succeeded++;
        else if (state === 'deferred') {
          counts.deferred++;
          if (end.result.report.detail?.outcome === 'agent-not-found') counts.agentNotFound++;
        }
        else counts.failed++;
      }
      else if (end.kind === 'not-run') counts.failed++;
      else if (end.kind === 'released') counts.released++;
      else if (end.kind === 'lease-lost') counts.leaseLost++;
      else counts.errors++;
      opts.log(describe(job, end));
    });
    active.set(job.id, run.finally(() => {
      beat.stop();
      active.delete(job.id);
      poke();
    }));
  };

  try {
    while (!opts.signal.aborted) {
      if (Date.now() >= nextHousekeeping) {
        counts.reaped += await housekeeping(deps, opts, self);
        nextHousekeeping = Date.now() + opts.reaperIntervalMs;
      }
      while (active.size < opts.concurrency && !opts.signal.aborted) {
        const now = Date.now();
        let job: Job | undefined;
        try {
          job = await claimNextJob(deps.store, { owner: self, now: new Date(now).toISOString(), leaseUntil: new Date(now + opts.leaseMs).toISOString() });
        } catch (error) {
          opts.log(`claim failed (will retry): ${errorMessage(error)}`);
        }
        if (!job) break;
        start(job);
      }
      if (opts.untilIdle && active.size === 0) {
        const state = await idleState(deps, opts);
        if (state.idle) {
          stoppedBy = 'idle';
          waiting = state.waiting;
          break;
        }
      }
      const timer = setTimeout(poke, opts.pollMs);
      await wake.promise;
      clearTimeout(timer);
      wake = deferred();
    }
  } finally {
    opts.signal.removeEventListener('abort', poke);
    // Stopping: runJob sees the same signal, cancels its run and releases the job.
    await Promise.allSettled([...active.values()]);
  }
  opts.log(`worker ${self} stopped (${stoppedBy}): ${counts.jobs} job(s), ${counts.succeeded} succeeded, ${counts.failed} failed, ${counts.deferred} deferred, ${counts.released} released`);
  if (waiting.length > 0) opts.log(`still waiting, beyond this run's reach: ${waiting.map(describeWaiting).join('; ')}`);
  return { workerId: self, ...counts, stoppedBy, waiting };
}
