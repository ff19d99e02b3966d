// `orch stage`: the staging runner and then the merge gate for one branch, recorded in the store
// exactly as a worker records them. No parallel implementation: the task is added with addTask,
// its deploy-staging job is claimed with a lease and run by the worker's runJob (launchJob, the
// reserved staging runner, the one finish handler, advance() and the gate registry). Without
// --merge the merge gate runs with `merge: false`: it reports mergeability and leaves the base.
import type { Config } from '../config/keys.ts';
import { loadConfig } from '../config/load.ts';
import { ConfigError, InvalidInputError, OrchError, ERROR_CODES } from '../errors.ts';
import { MERGE_CHECK_ID } from '../merge/check.ts';
import { withMergeGateOptions } from '../merge/scope.ts';
import { addTask } from '../pipeline/add-task.ts';
import { advance } from '../pipeline/advance.ts';
import { artifactPath } from '../pipeline/paths.ts';
import { openStore, type Store } from '../store/db.ts';
import { latestJobForStage } from '../store/repos/jobs.ts';
import { findOpenTaskForBranch, getTask } from '../store/repos/tasks.ts';
import type { Job, Task } from '../store/schema.ts';
import { newWorkerId } from '../worker/identity.ts';
import { runJob } from '../worker/run-job.ts';
import { claimJobById } from './claim.ts';
import { gateResultSince, lastGateResultId, lastStagingRun, readJob } from './facts.ts';
import { markNested } from './guard.ts';
import { configOverrides, type ResolvedStageOptions } from './options.ts';
import type { Progress } from './progress.ts';
import { mergeGateBlock, stagingBlock, verdictOf, type StageReport } from './report.ts';

const STAGE = 'deploy-staging';
const ARTIFACT = '15-staging-log.md';

export interface StageIo {
  readonly progress: Progress;
  /** Aborting it (SIGINT/SIGTERM) kills the suite's tree and gives the job back to the queue. */
  readonly signal: AbortSignal;
}

/** The config with the flags applied; a refused --suite names the flag, not the key. */
export function loadStageConfig(o: ResolvedStageOptions, env: NodeJS.ProcessEnv = process.env): Config {
  let config: Config;
  try {
    config = loadConfig({ env, overrides: configOverrides(o) });
  } catch (error) {
    if (error instanceof ConfigError && error.key === 'ORCH_STAGING_SUITE_CMD' && o.suite !== null) {
      throw new InvalidInputError(`--suite ${JSON.stringify(o.suite)} is invalid: ${error.message.replace(/^.*? is invalid: /, '')}`, { cause: error });
    }
    if (error instanceof ConfigError && error.key.endsWith('_TIMEOUT_S') && o.timeoutS !== null) {
      throw new InvalidInputError(`--timeout ${o.timeoutS}s is invalid: ${error.message}`, { cause: error });
    }
    throw error;
  }
  if (!config.ORCH_STAGING_RUNNER_ENABLED) {
    throw new InvalidInputError('ORCH_STAGING_RUNNER_ENABLED is false: orch stage runs the staging runner; enable it, or let a worker run the LLM deployer');
  }
  return config;
}

/** The open task of this branch, reused when it waits on deploy-staging, or a new one there. */
async function openTask(deps: { store: Store; config: Config }, o: ResolvedStageOptions, progress: Progress): Promise<Task> {
  const open = await findOpenTaskForBranch(deps.store.db, o.repo, o.branch);
  if (!open) {
    const { task } = await addTask(deps, { repo: o.repo, branch: o.branch, base: o.base, title: `orch stage ${o.branch}`, stage: STAGE });
    progress.step(`task ${task.id} added: ${o.branch} (base ${o.base}) on ${STAGE}`);
    return task;
  }
  const which = `task ${open.id} already works on ${JSON.stringify(o.branch)}`;
  if (open.state === 'blocked') throw new InvalidInputError(`${which} and is blocked (${open.blocked_reason ?? 'no reason recorded'}); \`orch task retry ${open.id}\` unblocks it`);
  if (open.stage !== STAGE) throw new InvalidInputError(`${which} and is on ${open.stage}, not ${STAGE}; a worker takes it from there (\`orch task show ${open.id}\`)`);
  if (open.base !== o.base) throw new InvalidInputError(`${which} with base ${JSON.stringify(open.base)}, not ${JSON.stringify(o.base)}; pass --base ${open.base}`);
  progress.step(`task ${open.id} reused: ${o.branch} (base ${o.base}) on ${STAGE}`);
  return open;
}

/** Claim the job and run it as a worker would; the finish handler then runs the gate. */
async function runStagingJob(deps: { store: Store; config: Config }, job: Job, io: StageIo): Promise<void> {
  const owner = newWorkerId();
  const leaseMs = Math.round(deps.config.ORCH_WORKER_LEASE_S * 1000);
  const now = new Date();
  const claimed = await claimJobById(deps.store.db, job.id, { owner, now: now.toISOString(), leaseUntil: new Date(now.getTime() + leaseMs).toISOString() });
  if (!claimed) throw new OrchError(ERROR_CODES.VERSION_CONFLICT, `job ${job.id} was claimed by a worker first; it runs there (\`orch task show ${job.task_id}\`)`, { retryable: true });
  io.progress.busy(`running the staging suite, then the merge gate (job ${job.id}${job.infra_attempts > 0 ? `, infra attempt ${job.infra_attempts + 1}` : ''})`);
  const end = await runJob({ store: deps.store, config: deps.config, owner, leaseMs, stop: io.signal, onSpawn: (info) => io.progress.spawned(info) }, claimed);
  if (end.kind === 'released') throw new OrchError(ERROR_CODES.INTERNAL, `stopped: job ${job.id} was given back to the queue (${end.reason})`, { retryable: true });
  // lease-lost: the reaper took the job meanwhile; the store says what happened.
  if (end.kind === 'error') throw new OrchError(ERROR_CODES.INTERNAL, `job ${job.id}: ${end.error}`, { retryable: true });
}

export async function runStage(o: ResolvedStageOptions, io: StageIo, env: NodeJS.ProcessEnv = process.env): Promise<StageReport> {
  const config = loadStageConfig(o, env);
  const store = await openStore(config);
  const deps = { store, config };
  try {
    const task = await openTask(deps, o, io.progress);
    const mark = await lastGateResultId(store.db);
    const latest = await latestJobForStage(store.db, task.id, STAGE);
    const head = { id: task.id, repo: task.repo, branch: task.branch, base: task.base };
    if (latest?.state === 'running') {
      return { task: head, staging: null, mergeGate: null, verdict: 'deferred', reason: `job ${latest.id} is running under ${latest.lease_owner ?? 'a worker'}; it records its own result` };
    }
    // The staged suite inherits the mark: an `orch stage` inside it refuses instead of recursing.
    markNested(env);
    const ran = latest && (latest.state === 'queued' || latest.state === 'deferred') ? latest : null;
    await withMergeGateOptions({ merge: o.merge }, async () => {
      if (ran) await runStagingJob(deps, ran, io);
      else {
        // Staged before (an earlier run without --merge): only the gate is left to evaluate.
        io.progress.busy('staging already PASSED on this task: evaluating the merge gate');
        await advance(deps, task.id);
      }
    });
    const after = await getTask(store.db, task.id);
    const job = ran ? await readJob(store.db, ran.id) : null;
    const run = job ? lastStagingRun(job) : null;
    const staging = run ? stagingBlock(run, artifactPath(config, task.id, ARTIFACT), ran?.infra_attempts ?? 0) : null;
    const gate = await gateResultSince(store.db, task.id, MERGE_CHECK_ID, mark);
    const mergeGate = gate ? mergeGateBlock(gate, after.state === 'blocked') : null;
    const waiting = job?.state === 'deferred' || (await latestJobForStage(store.db, task.id, STAGE))?.state === 'deferred' || gate?.verdict === 'defer';
    const { verdict, reason } = verdictOf({ stageBefore: task.stage, stageAfter: after.stage, taskState: after.state, staging, mergeGate, waiting, merge: o.merge });
    if (staging) io.progress.step(`staging: ${staging.status ?? staging.outcome}${staging.exitCode === null ? '' : ` (exit ${staging.exitCode})`}${staging.deferred ? `, deferred until ${staging.notBefore}` : ''}`);
    if (mergeGate) io.progress.step(`merge gate: ${mergeGate.classification}, ${mergeGate.action}${mergeGate.merged ? `, ${o.base} is now ${mergeGate.baseAfter?.slice(0, 12)}` : ''}`);
    io.progress.step(`${verdict}: ${reason}`);
    return { task: head, staging, mergeGate, verdict, reason };
  } finally {
    io.progress.stop();
    await store.close();
  }
}
