// The reaper: every worker runs it now and then. A running job whose lease expired, whose local
// owner is dead, or that ran past ORCH_REAPER_MAX_RUNNING_S is taken over (guarded by the exact
// lease judged), its process tree killed when it ran on this machine, and re-queued; a job reaped
// ORCH_JOB_MAX_ATTEMPTS times fails and blocks its task with one alert instead of looping.
import type { Config } from '../config/keys.ts';
import { errorMessage } from '../errors.ts';
import { failWithoutRun } from '../launcher/finish.ts';
import { parseDetail } from '../util/json.ts';
import { killTree } from '../proc/index.ts';
import type { Store } from '../store/db.ts';
import { releaseJob, runningJobs, takeOverLease } from '../store/repos/jobs.ts';
import type { Job } from '../store/schema.ts';
import { nowIso } from '../store/time.ts';
import { isLocal, jobMarker, parseOwner, pidIsDead } from './identity.ts';
import { staleReason, type StaleReason } from './stale.ts';

export interface ReapedJob {
  readonly jobId: number;
  readonly reason: StaleReason;
  /** Processes of the old run killed here (only possible for a local owner). */
  readonly killed: number;
  readonly action: 'requeued' | 'failed' | 'lost-race';
}

interface RunInfo {
  readonly pid?: number;
  readonly startTime?: number;
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

export async function reap(deps: { store: Store; config: Config }, self: string): Promise<ReapedJob[]> {
  const { store, config } = deps;
  const out: ReapedJob[] = [];
  const maxRunningMs = config.ORCH_REAPER_MAX_RUNNING_S * 1000;
  for (const job of await runningJobs(store.db)) {
    const reason = staleReason(job, { nowMs: Date.now(), maxRunningMs, pidIsDead, self });
    if (reason === null) continue;
    const leaseMs = config.ORCH_WORKER_LEASE_S * 1000 + config.ORCH_KILL_GRACE_S * 1000;
    if (!(await takeOverLease(store.db, job, self, new Date(Date.now() + leaseMs).toISOString()))) {
      out.push({ jobId: job.id, reason, killed: 0, action: 'lost-race' });
      continue;
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
    const reaps = [...(Array.isArray(detail.reaps) ? detail.reaps : []), { at: nowIso(), by: self, owner: job.lease_owner, reason, startedAt: job.started_at, pid: job.pid, killed, ...(killError ? { killError } : {}) }];
    const next = { ...detail, reaps };
    if (reaps.length < config.ORCH_JOB_MAX_ATTEMPTS) {
      await releaseJob(store.db, job.id, self, next);
      out.push({ jobId: job.id, reason, killed, action: 'requeued' });
      continue;
    }
    await failWithoutRun(deps, job, self, { reason: `reaped ${reaps.length} time(s), last: ${reason}`, outcome: 'reaped', detail: { reaps }, count: reaps.length });
    out.push({ jobId: job.id, reason, killed, action: 'failed' });
  }
  return out;
}
