// Every outcome can be resumed by hand (issue 13.5), and a task can be ended by hand:
// - restageTask: a new attempt on deploy-staging at the branch's current HEAD for a task that was
//   rolled back (to development) or blocked, or whose staging ran on an older commit. The task keeps
//   its id and its whole history; the move is one transition row saying why.
// - cancelTask: `orch task cancel`: the task ends (done, substate cancelled), its waiting jobs are
//   cancelled, its branch is free for a new task, and a running job's process tree is killed by the
//   job's marker when it runs on this machine.
import type { Config } from '../config/keys.ts';
import { TaskStateError, VersionConflictError } from '../errors.ts';
import { killTree } from '../proc/index.ts';
import type { Store } from '../store/db.ts';
import { resolveAlertsForTask } from '../store/repos/alerts.ts';
import { insertTransition } from '../store/repos/history.ts';
import { cancelWaitingJobs, insertJob, pendingJobsForTask } from '../store/repos/jobs.ts';
import { getTask, updateTaskGuarded } from '../store/repos/tasks.ts';
import type { Job, Task } from '../store/schema.ts';
import { nowIso } from '../store/time.ts';
import { writeTransaction } from '../store/tx.ts';
import { parseDetail } from '../util/json.ts';
import { isLocal, jobMarker, parseOwner } from '../proc/identity.ts';
import { roleForStage, type Stage } from '../core/stages.ts';

const STAGING: Stage = 'deploy-staging';

export interface Restaged {
  readonly task: Task;
  readonly job: Job;
  /** Where the task was before: its stage and shown state. */
  readonly from: { readonly stage: string; readonly state: string };
}

/**
 * Put `task` back on deploy-staging with a fresh job (a new infra budget), active, its old
 * validated commit forgotten. Refused while one of its jobs runs. `why` goes into the history.
 */
export async function restageTask(store: Store, task: Task, why: string): Promise<Restaged> {
  if (task.state === 'done') throw new TaskStateError(task.id, task.state, `task ${task.id} is done; stage the branch again to start a new task`);
  const role = roleForStage(STAGING);
  if (!role) throw new Error(`no role runs ${STAGING}`);
  return writeTransaction(store, async (trx) => {
    const at = nowIso();
    const running = (await pendingJobsForTask(trx, task.id)).find((j) => j.state === 'running');
    if (running) throw new TaskStateError(task.id, task.state, `task ${task.id} has job ${running.id} (${running.agent}) running; it records its own result (\`orch task cancel ${task.id}\` ends it)`);
    if (!(await updateTaskGuarded(trx, task.id, task.version, { stage: STAGING, state: 'active', blocked_reason: null, substate: null, validated_sha: null }, at))) {
      throw new VersionConflictError(task.id, task.version);
    }
    await cancelWaitingJobs(trx, task.id, `superseded: ${why}`);
    if (task.stage !== STAGING) {
      await insertTransition(trx, { taskId: task.id, jobId: null, transition: { from: task.stage as Stage, to: STAGING, kind: 'forward' }, reason: why, at });
    }
    if (task.state === 'blocked') await resolveAlertsForTask(trx, task.id);
    const job = await insertJob(trx, { taskId: task.id, stage: STAGING, agent: role.role, at, detail: { restage: true, why, after: { stage: task.stage, state: task.substate ?? task.state } } });
    return {
      task: { ...task, stage: STAGING, state: 'active', blocked_reason: null, substate: null, validated_sha: null, version: task.version + 1 },
      job,
      from: { stage: task.stage, state: task.substate ?? task.state },
    };
  });
}

export interface Cancelled {
  readonly task: Task;
  /** Waiting jobs cancelled (queued, deferred). */
  readonly cancelledJobs: number;
  /** The running job ended, if any, and how many of its processes were killed here. */
  readonly running: { readonly jobId: number; readonly killed: number; readonly local: boolean } | null;
}

/** Kill a running job's processes on this machine: its recorded group and everything with its marker. */
async function killRun(job: Job, graceMs: number): Promise<{ killed: number; local: boolean }> {
  const owner = parseOwner(job.lease_owner);
  if (!owner || !isLocal(owner)) return { killed: 0, local: false };
  const run = (parseDetail(job.detail).run ?? {}) as { startTime?: number };
  const marker = jobMarker(job.id, job.lease_owner ?? '');
  const report = await killTree(
    { rootPid: job.pid ?? -1, rootStartTime: job.pid !== null && typeof run.startTime === 'number' ? run.startTime : 0, marker: Buffer.from(`${marker.name}=${marker.value}`) },
    { graceMs },
  );
  return { killed: report.killed, local: true };
}

/** End `taskId` by hand: done (substate cancelled), jobs cancelled, a local running job's tree killed. */
export async function cancelTask(deps: { store: Store; config: Pick<Config, 'ORCH_KILL_GRACE_S'> }, taskId: number, why = 'cancelled by an operator'): Promise<Cancelled> {
  const task = await getTask(deps.store.db, taskId);
  if (task.state === 'done') throw new TaskStateError(task.id, task.state, `task ${task.id} is already ${task.substate ?? 'done'}`);
  const runningJob = (await pendingJobsForTask(deps.store.db, task.id)).find((j) => j.state === 'running') ?? null;
  // Kill first: a suite that keeps running after its task ended would still write and push.
  const killed = runningJob ? await killRun(runningJob, deps.config.ORCH_KILL_GRACE_S * 1000) : null;
  return writeTransaction(deps.store, async (trx) => {
    const at = nowIso();
    if (!(await updateTaskGuarded(trx, task.id, task.version, { state: 'done', substate: 'cancelled', blocked_reason: why }, at))) throw new VersionConflictError(task.id, task.version);
    const cancelledJobs = await cancelWaitingJobs(trx, task.id, `task cancelled: ${why}`);
    if (runningJob) {
      // The owner (if alive elsewhere) loses its lease: its completion is refused.
      await trx
        .updateTable('jobs')
        .set({ state: 'cancelled', finished_at: at, outcome: 'cancelled', lease_owner: null, lease_expires_at: null })
        .where('id', '=', runningJob.id)
        .where('state', '=', 'running')
        .execute();
    }
    await resolveAlertsForTask(trx, task.id);
    return {
      task: { ...task, state: 'done', substate: 'cancelled', blocked_reason: why, version: task.version + 1 },
      cancelledJobs,
      running: runningJob && killed ? { jobId: runningJob.id, ...killed } : null,
    };
  });
}
