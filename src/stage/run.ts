// `orch stage`: the staging runner and then the merge gate for one branch, recorded in the store
// exactly as a worker records them. No parallel implementation: the task is added with addTask,
// its deploy-staging job is claimed with a lease and run by the worker's runJob (launchJob, the
// reserved staging runner, the one finish handler, advance() and the gate registry). Without
// --merge the merge gate runs with `merge: false`: it reports mergeability and leaves the base.
import type { Config } from '../config/keys.ts';
import { loadConfig } from '../config/load.ts';
import { ConfigError, InvalidInputError, OrchError, ERROR_CODES, VersionConflictError } from '../errors.ts';
import { MERGE_CHECK_ID } from '../merge/check.ts';
import { withMergeGateOptions } from '../merge/scope.ts';
import { addResolvedTask } from '../pipeline/add-task.ts';
import { advance } from '../pipeline/advance.ts';
import { artifactPath } from '../config/task-paths.ts';
import { openStore, type Store } from '../store/db.ts';
import { claimJobById } from '../store/repos/job-queue.ts';
import { latestJobForStage } from '../store/repos/jobs.ts';
import { findOpenTaskForBranch, getTask, updateTaskGuarded } from '../store/repos/tasks.ts';
import type { Job, Task } from '../store/schema.ts';
import { leaseOwnerIsDead, newWorkerId } from '../proc/identity.ts';
import { reapJob } from '../worker/reaper.ts';
import { staleReason } from '../core/stale.ts';
import { runJob } from '../worker/run-job.ts';
import { gateResultSince, lastGateResultId, lastStagingRun, readJob } from './facts.ts';
import { markNested } from './guard.ts';
import { configOverrides, type ResolvedStageOptions } from './options.ts';
import type { Progress } from './progress.ts';
import { causeOf, mergeGateBlock, stagingBlock, verdictOf, type StageReport } from './report.ts';
import { restageTask } from '../pipeline/restage.ts';
import { branchHead } from '../git/repo.ts';
import { runGit } from '../git/run.ts';
import { STAGES, type Stage } from '../core/stages.ts';

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

/** What to do with the branch's task: run a job (given, or a fresh one), or only evaluate the gate. */
type Plan = { readonly kind: 'run'; readonly job: Job } | { readonly kind: 'gate' } | { readonly kind: 'busy'; readonly job: Job } | { readonly kind: 'past'; readonly reason: string };

/** The flags to keep on the task (issue 13.9): only those given on this run replace the recorded ones. */
function recordedOptions(o: ResolvedStageOptions, task: Task | null): { suite_cmd: string | null; timeout_s: number | null; merge_policy: 'ask' | null } {
  // Without --merge, no later evaluation of the gate (a worker re-running a re-queued job) merges.
  return { suite_cmd: o.suite ?? task?.suite_cmd ?? null, timeout_s: o.timeoutS ?? task?.timeout_s ?? null, merge_policy: o.merge ? null : 'ask' };
}

/**
 * The open task of this branch and what to run. A new task is added on deploy-staging. A task
 * rolled back, blocked, or staged on an older commit gets a new attempt on deploy-staging at the
 * branch's HEAD (issue 13.5), keeping its id and history. A task that passed on this HEAD only has
 * its gate left (a second `orch stage` gives the same verdict; `--merge` merges).
 */
async function openTask(deps: { store: Store; config: Config }, o: ResolvedStageOptions, progress: Progress): Promise<{ task: Task; plan: Plan }> {
  const open = await findOpenTaskForBranch(deps.store.db, o.repo, o.branch);
  if (!open) {
    const opts = recordedOptions(o, null);
    // resolveStageOptions made exactly addTask's checks (work tree, branch names, both branches exist).
    const fields = { repo: o.repo, branch: o.branch, base: o.base, title: `orch stage ${o.branch}`, stage: STAGE } as const;
    const { task, job } = await addResolvedTask(deps, fields, { suiteCmd: opts.suite_cmd, timeoutS: opts.timeout_s, mergePolicy: opts.merge_policy });
    progress.step(`task ${task.id} added: ${o.branch} (base ${o.base}) on ${STAGE}`);
    if (!job) throw new OrchError(ERROR_CODES.INTERNAL, `task ${task.id} was added on ${STAGE} without its job`);
    return { task, plan: { kind: 'run', job } };
  }
  const which = `task ${open.id} already works on ${JSON.stringify(o.branch)}`;
  if (open.base !== o.base) throw new InvalidInputError(`${which} with base ${JSON.stringify(open.base)}, not ${JSON.stringify(o.base)}; pass --base ${open.base} (or \`orch task cancel ${open.id}\`)`);
  let task = open;
  const opts = recordedOptions(o, open);
  if (opts.suite_cmd !== open.suite_cmd || opts.timeout_s !== open.timeout_s || opts.merge_policy !== open.merge_policy) {
    if (!(await updateTaskGuarded(deps.store.db, open.id, open.version, opts))) throw new VersionConflictError(open.id, open.version);
    task = { ...open, ...opts, version: open.version + 1 };
  }
  const head = await branchHead(o.repo, o.branch);
  let latest = await latestJobForStage(deps.store.db, task.id, STAGE);
  if (latest?.state === 'running') {
    // A dead holder (an `orch stage` or worker killed on this machine, or a lapsed lease) does
    // not keep us waiting: reap it now (its leftover tree is killed by its marker) and go on.
    const reason = staleReason(latest, { nowMs: Date.now(), maxRunningMs: deps.config.ORCH_REAPER_MAX_RUNNING_S * 1000, ownerIsDead: (owner) => leaseOwnerIsDead(owner), self: '' });
    if (reason !== null) {
      const reaped = await reapJob(deps, latest, newWorkerId(), reason);
      progress.step(`job ${latest.id} was held by ${latest.lease_owner ?? 'nobody'} (${reason}): reaped, ${reaped.killed} leftover process(es) killed, ${reaped.action}`);
      latest = await latestJobForStage(deps.store.db, task.id, STAGE);
    }
  }
  if (task.state === 'active' && task.stage === STAGE) {
    if (latest?.state === 'running') return { task, plan: { kind: 'busy', job: latest } };
    if (latest && (latest.state === 'queued' || latest.state === 'deferred')) {
      progress.step(`task ${task.id} reused: ${o.branch} (base ${o.base}) on ${STAGE}`);
      return { task, plan: { kind: 'run', job: latest } };
    }
    // Passed on exactly this HEAD: nothing to re-run, only the gate to evaluate.
    if (latest?.state === 'succeeded' && task.validated_sha !== null && task.validated_sha === head) {
      progress.step(`task ${task.id} reused: staging already PASSED on ${head.slice(0, 12)}`);
      return { task, plan: { kind: 'gate' } };
    }
  }
  // Past deploy-staging (merged, deploying): nothing to stage again. Its branch in the base is the
  // same verdict as the run that merged it; anything else is a worker's job (or task cancel).
  if (STAGES.indexOf(task.stage as Stage) > STAGES.indexOf(STAGE)) {
    const contained = head !== null && (await runGit(o.repo, ['merge-base', '--is-ancestor', head, o.base])).exitCode === 0;
    if (contained && task.state !== 'blocked') return { task, plan: { kind: 'past', reason: `task ${task.id} already passed: ${o.branch} is in ${o.base} and the task is on ${task.stage}` } };
    throw new InvalidInputError(`${which} and is ${task.state} on ${task.stage}, past ${STAGE}; \`orch task show ${task.id}\` (a blocked task: \`orch task retry ${task.id}\`; to start over: \`orch task cancel ${task.id}\`)`);
  }
  const why =
    task.state === 'blocked'
      ? `orch stage: new attempt at ${head?.slice(0, 12) ?? '?'} (the task was blocked: ${task.blocked_reason ?? 'no reason recorded'})`
      : task.stage !== STAGE
        ? `orch stage: new attempt at ${head?.slice(0, 12) ?? '?'} (the task was on ${task.stage})`
        : `orch stage: new attempt at ${head?.slice(0, 12) ?? '?'} (the last staging run did not pass on this commit)`;
  const restaged = await restageTask(deps.store, task, why);
  progress.step(`task ${task.id} resumed: ${why.replace(/^orch stage: /, '')}`);
  return { task: restaged.task, plan: { kind: 'run', job: restaged.job } };
}

/** Claim the job and run it as a worker would; the finish handler then runs the gate. */
async function runStagingJob(deps: { store: Store; config: Config }, job: Job, io: StageIo): Promise<void> {
  const owner = newWorkerId();
  const leaseMs = Math.round(deps.config.ORCH_WORKER_LEASE_S * 1000);
  const now = new Date();
  const claimed = await claimJobById(deps.store, job.id, { owner, now: now.toISOString(), leaseUntil: new Date(now.getTime() + leaseMs).toISOString() });
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
    const { task, plan } = await openTask(deps, o, io.progress);
    const mark = await lastGateResultId(store.db);
    const head = { id: task.id, repo: task.repo, branch: task.branch, base: task.base };
    if (plan.kind === 'past') {
      io.progress.step(`advanced: ${plan.reason}`);
      return { task: head, staging: null, mergeGate: null, verdict: 'advanced', reason: plan.reason, cause: null, log: null };
    }
    if (plan.kind === 'busy') {
      const reason = `job ${plan.job.id} is running under ${plan.job.lease_owner ?? 'a worker'}; it records its own result`;
      return { task: head, staging: null, mergeGate: null, verdict: 'deferred', reason, cause: reason, log: null };
    }
    // The staged suite inherits the mark: an `orch stage` inside it refuses instead of recursing.
    markNested(env);
    const ran = plan.kind === 'run' ? plan.job : null;
    await withMergeGateOptions({ merge: o.merge }, async () => {
      if (ran) await runStagingJob(deps, ran, io);
      else {
        io.progress.busy('staging already PASSED on this commit: evaluating the merge gate');
        await advance(deps, task.id, { merge: true });
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
    return { task: head, staging, mergeGate, verdict, reason, ...causeOf(staging, mergeGate, verdict, reason) };
  } finally {
    io.progress.stop();
    await store.close();
  }
}
