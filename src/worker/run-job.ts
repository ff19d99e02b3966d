// One claimed job, start to end: heartbeat the lease, record the process group on the job row,
// launch, and on a stop give the job back to the queue. Never throws: this is the worker loop's
// catch-all for a job (one bad job never stops the worker).
import type { Config } from '../config/keys.ts';
import { errorMessage } from '../errors.ts';
import { failWithoutRun } from '../launcher/finish.ts';
import { parseDetail } from '../util/json.ts';
import { launchJob, type LaunchResult } from '../launcher/launch.ts';
import type { SpawnInfo } from '../proc/index.ts';
import type { Store } from '../store/db.ts';
import { recordJobRun, releaseJob } from '../store/repos/job-queue.ts';
import type { Job } from '../store/schema.ts';
import { nowIso } from '../store/time.ts';
import { startHeartbeat } from './heartbeat.ts';
import { jobMarker } from '../proc/identity.ts';

export type JobEnd =
  | { readonly kind: 'finished'; readonly result: Extract<LaunchResult, { kind: 'finished' }> }
  | { readonly kind: 'not-run'; readonly reason: string }
  | { readonly kind: 'released'; readonly reason: string }
  | { readonly kind: 'lease-lost'; readonly reason: string }
  | { readonly kind: 'error'; readonly error: string };

export interface RunJobDeps {
  readonly store: Store;
  readonly config: Config;
  readonly owner: string;
  readonly leaseMs: number;
  /** Aborted when the worker stops. */
  readonly stop: AbortSignal;
  /** Told when a process of the job starts (with its command and log): progress heartbeats. */
  readonly onSpawn?: (info: SpawnInfo) => void;
}

export async function runJob(deps: RunJobDeps, job: Job): Promise<JobEnd> {
  const { store, owner } = deps;
  const controller = new AbortController();
  let lost = false;
  const onStop = () => controller.abort();
  deps.stop.addEventListener('abort', onStop, { once: true });
  if (deps.stop.aborted) controller.abort();
  const heartbeat = startHeartbeat(store, job.id, owner, deps.leaseMs, () => {
    lost = true;
    controller.abort();
  });
  let detail = parseDetail(job.detail);
  const marker = jobMarker(job.id, owner);
  try {
    const result = await launchJob(
      {
        store,
        config: deps.config,
        owner,
        signal: controller.signal,
        marker: { [marker.name]: marker.value },
        onSpawn: (info) => {
          detail = { ...detail, run: { pid: info.pid, startTime: info.startTime, runId: info.runId, at: nowIso(), ...(info.logPath ? { logPath: info.logPath } : {}) } };
          void recordJobRun(store.db, job.id, owner, info.pid, detail).catch(() => undefined);
          deps.onSpawn?.(info);
        },
      },
      job,
    );
    if (result.kind === 'finished') {
      if (result.finish.kind === 'lease-lost') return { kind: 'lease-lost', reason: 'the lease was taken before the result was written; nothing recorded' };
      return { kind: 'finished', result };
    }
    if (result.kind === 'not-run') return { kind: 'not-run', reason: result.reason };
    if (lost) return { kind: 'lease-lost', reason: result.reason };
    await releaseJob(store.db, job.id, owner, { ...detail, released: { at: nowIso(), by: owner, reason: 'worker stopping' } });
    return { kind: 'released', reason: result.reason };
  } catch (error) {
    // launchJob only throws for store or bug-level failures; record them as a failed run if we can.
    const message = errorMessage(error);
    try {
      await failWithoutRun({ store, config: deps.config }, job, owner, { reason: `worker error: ${message}`, outcome: 'worker-error', detail });
    } catch {
      // The lease will expire and the reaper will re-queue the job.
    }
    return { kind: 'error', error: message };
  } finally {
    heartbeat.stop();
    deps.stop.removeEventListener('abort', onStop);
  }
}
