// The reaper: every worker runs it now and then (and `orch stage` on the job it came for). A
// running job whose lease expired, whose local owner is dead, or that ran past
// ORCH_REAPER_MAX_RUNNING_S is taken over (guarded by the exact lease judged), its process tree
// killed when it ran on this machine, and then:
// - owner dead / lease lost: the worker died, not the job (an infra fault, never a code fault):
//   re-queued WITHOUT consuming ORCH_JOB_MAX_ATTEMPTS, counted in the job's own `reaps`; a job
//   reaped ORCH_JOB_MAX_REAPS times (a poison job: its runs keep killing their worker) blocks its
//   task with a reason that names the bound and ONE alert;
// - ran too long: the run itself is at fault, a failed run like any other (the attempt budget).
import type { Config } from '../config/keys.ts';
import { errorMessage } from '../errors.ts';
import { failWithoutRun } from '../launcher/finish.ts';
import { parseDetail } from '../util/json.ts';
import { killTree } from '../proc/index.ts';
import type { Store } from '../store/db.ts';
import { raiseAlert } from '../store/repos/alerts.ts';
import { completeJob, releaseJob, runningJobs, takeOverLease } from '../store/repos/job-queue.ts';
import { getTask, updateTaskGuarded } from '../store/repos/tasks.ts';
import type { Job } from '../store/schema.ts';
import { nowIso } from '../store/time.ts';
import { writeTransaction } from '../store/tx.ts';
import { isLocal, jobMarker, leaseOwnerIsDead, parseOwner } from '../proc/identity.ts';
import { STALE_REASONS, staleReason, type StaleReason } from '../core/stale.ts';

export interface ReapedJob {
  readonly jobId: number;
  readonly reason: StaleReason;
  /** Processes of the old run killed here (only possible for a local owner). */
  readonly killed: number;
  /** requeued: runs again; failed: a failed run (ran too long); blocked: poison bound reached. */
  readonly action: 'requeued' | 'failed' | 'blocked' | 'lost-race';
  /** The job's reaps for a dead owner / lost lease, this one included. */
  readonly reaps: number;
}

interface RunInfo {
  readonly pid?: number;
  readonly startTime?: number;
}

/** One recorded reap in `jobs.detail.reaps`. */
export interface ReapRecord {
  readonly at: string;
  readonly by: string;
  readonly owner: string | null;
  readonly reason: StaleReason;
  readonly killed: number;
}

/** The reaps of a job for a dead owner or a lost lease (the ones ORCH_JOB_MAX_REAPS bounds). */
export function ownerReaps(detail: string | null | Record<string, unknown>): number {
  const d = typeof detail === 'object' && detail !== null ? detail : parseDetail(detail);
  const reaps = Array.isArray(d.reaps) ? (d.reaps as Array<Partial<ReapRecord>>) : [];
  return reaps.filter((r) => r.reason !== STALE_REASONS.ranTooLong).length;
}

/** Kill what is left of a run on this machine: its group (by the recorded root) and its marker. */
async function killLocalRun(job: Job, graceMs: number): Promise<number> {
  const run = (parseDetail(job.detail).run ?? {}) as RunInfo;
  const marker = jobMarker(job.id, job.lease_owner ?? '');
  const report = await killTree(
    {
      // No recorded root (it died before the PID was written): find the run by its marker alone.
      rootPid: job.pid ?? -1,
      rootStartTime: job.pid !== null && typeof run.startTime === 'number' ? run.startTime : 0,
      marker: Buffer.from(`${marker.name}=${marker.value}`),
    },
    { graceMs },
  );
  return report.killed;
}

/** Block the task of a poison job (ORCH_JOB_MAX_REAPS reached) with ONE alert; false: lease gone. */
async function blockPoison(store: Store, job: Job, self: string, detail: Record<string, unknown>, why: string): Promise<boolean> {
  return writeTransaction(store, async (trx) => {
    const at = nowIso();
    if (!(await completeJob(trx, job.id, self, { state: 'failed', outcome: 'reaped', detail: { ...detail, result: { reason: why } }, at }))) return false;
    const task = await getTask(trx, job.task_id);
    if (task.state !== 'active' || task.stage !== job.stage) return true;
    if (!(await updateTaskGuarded(trx, task.id, task.version, { state: 'blocked', blocked_reason: why }, at))) throw new Error(`task ${task.id} changed inside a write transaction`);
    await raiseAlert(trx, {
      taskId: task.id,
      kind: 'job-reaped',
      dedupeKey: `job-reaped:task-${task.id}:${job.stage}:job-${job.id}`,
      message: `task ${task.id} blocked on ${job.stage}: ${why}; \`orch task retry ${task.id}\` re-queues it`,
      detail: { jobId: job.id },
      at,
    });
    return true;
  });
}

/**
 * Reap one running job judged stale for `reason`: take its lease, kill its local leftovers,
 * then re-queue it, fail it (ran too long) or block its task (poison bound).
 */
export async function reapJob(deps: { store: Store; config: Config }, job: Job, self: string, reason: StaleReason): Promise<ReapedJob> {
  const { store, config } = deps;
  const leaseMs = config.ORCH_WORKER_LEASE_S * 1000 + config.ORCH_KILL_GRACE_S * 1000;
  if (!(await takeOverLease(store.db, job, self, new Date(Date.now() + leaseMs).toISOString()))) {
    return { jobId: job.id, reason, killed: 0, action: 'lost-race', reaps: ownerReaps(job.detail) };
  }
  const owner = parseOwner(job.lease_owner);
  let killed = 0;
  let killError: string | null = null;
  if (owner && isLocal(owner)) {
    try {
      killed = await killLocalRun(job, config.ORCH_KILL_GRACE_S * 1000);
    } catch (error) {
      killError = errorMessage(error);
    }
  }
  const detail = parseDetail(job.detail);
  const record = { at: nowIso(), by: self, owner: job.lease_owner, reason, startedAt: job.started_at, pid: job.pid, killed, ...(killError ? { killError } : {}) };
  const next = { ...detail, reaps: [...(Array.isArray(detail.reaps) ? detail.reaps : []), record] };
  const reaps = ownerReaps(next);
  if (reason === STALE_REASONS.ranTooLong) {
    // The run itself overran: a failed run, counted against ORCH_JOB_MAX_ATTEMPTS.
    await failWithoutRun(deps, job, self, { reason: `reaped: ${reason}`, outcome: 'reaped', detail: { reaps: next.reaps } });
    return { jobId: job.id, reason, killed, action: 'failed', reaps };
  }
  if (reaps < config.ORCH_JOB_MAX_REAPS) {
    await releaseJob(store.db, job.id, self, next);
    return { jobId: job.id, reason, killed, action: 'requeued', reaps };
  }
  const why = `job ${job.id} (${job.agent}) was reaped ${reaps} time(s) (ORCH_JOB_MAX_REAPS=${config.ORCH_JOB_MAX_REAPS}): its worker died or lost the lease during every run (last: ${reason}); a poison job?`;
  await blockPoison(store, job, self, next, why);
  return { jobId: job.id, reason, killed, action: 'blocked', reaps };
}

export async function reap(deps: { store: Store; config: Config }, self: string): Promise<ReapedJob[]> {
  const out: ReapedJob[] = [];
  const maxRunningMs = deps.config.ORCH_REAPER_MAX_RUNNING_S * 1000;
  for (const job of await runningJobs(deps.store.db)) {
    const reason = staleReason(job, { nowMs: Date.now(), maxRunningMs, ownerIsDead: (owner) => leaseOwnerIsDead(owner), self });
    if (reason === null) continue;
    out.push(await reapJob(deps, job, self, reason));
  }
  return out;
}
