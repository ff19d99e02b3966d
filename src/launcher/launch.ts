// launchJob: run one claimed job. The reserved-agents registry is consulted BEFORE any spawn
// (choose.ts); every other job (and a reserved agent's fallback) goes to spawnAgent, THE LLM
// transport (run-agent.ts). Both paths end in the same finish handler. Never throws for anything
// a job can do wrong: a broken worktree, a missing role card or a reserved agent that raises are
// failed runs, recorded.
import { configForTask } from '../pipeline/task-config.ts';
import type { Config } from '../config/keys.ts';
import { errorMessage } from '../errors.ts';
import { taskDir } from '../config/task-paths.ts';
import { procOptionsFromConfig, type SpawnInfo } from '../proc/index.ts';
import type { Store } from '../store/db.ts';
import { getTask } from '../store/repos/tasks.ts';
import type { Job } from '../store/schema.ts';
import { prepareWorktree, type PreparedWorktree } from '../worktree/prepare.ts';
import { BUDGET_ALERT_KIND, type BudgetRefusal } from './budget.ts';
import { chooseAgent } from './choose.ts';
import { blockWithoutRun, failWithoutRun, finishRun, type FailurePlan, type FinishOutcome } from './finish.ts';
import { runAgent, type AgentRun } from './run-agent.ts';
import { runShadow } from '../shadow/run.ts';
import type { RunReport } from './types.ts';

export interface LaunchDeps {
  readonly store: Store;
  readonly config: Config;
  /** The lease owner: every write about the job is guarded by it. */
  readonly owner: string;
  readonly signal: AbortSignal;
  /** Environment marking every process of this run (the reaper finds orphans by it). */
  readonly marker: Readonly<Record<string, string>>;
  /** Told when a process group starts (the worker records it on the job row). */
  readonly onSpawn?: (info: SpawnInfo) => void;
}

export type LaunchResult =
  | { readonly kind: 'finished'; readonly report: RunReport; readonly finish: FinishOutcome }
  /** Stopped by orch (shutdown, lost lease): nothing recorded; the caller releases or lets go. */
  | { readonly kind: 'cancelled'; readonly reason: string }
  /** No agent could be started (no worktree): the job failed without an agent_runs row. */
  | { readonly kind: 'not-run'; readonly reason: string; readonly failure: FailurePlan | null };

/** The transport refused to spawn (the task's LLM budget): block the task with one alert, record no run. */
function blockForBudget(deps: LaunchDeps, job: Job, refused: BudgetRefusal): Promise<FailurePlan | null> {
  return blockWithoutRun(deps, job, deps.owner, {
    reason: refused.reason,
    outcome: 'budget',
    detail: { budget: { role: refused.role, budgetUsd: refused.budgetUsd, spentUsd: refused.spentUsd, estimate: refused.estimate } },
    alert: {
      kind: BUDGET_ALERT_KIND,
      // One alert per blocked episode: the job is the episode (a retry is a new job).
      dedupeKey: `${BUDGET_ALERT_KIND}:task-${job.task_id}:job-${job.id}`,
      message: `task ${job.task_id} blocked on ${job.stage}: ${refused.reason}`,
      detail: { jobId: job.id, role: refused.role, budgetUsd: refused.budgetUsd, spentUsd: refused.spentUsd, estimateUsd: refused.estimate.usd },
    },
  });
}

/** No agent can run: nothing goes to agent_runs; the failure policy applies to the job. */
async function notRun(deps: LaunchDeps, job: Job, reason: string, outcome: string): Promise<LaunchResult> {
  return { kind: 'not-run', reason, failure: await failWithoutRun(deps, job, deps.owner, { reason, outcome }) };
}

/** The finish handler's report of a run: who ran, how, when, and the last process group it started. */
function reportOf(run: AgentRun, spawns: readonly SpawnInfo[], startedAt: Date, t0: number): RunReport {
  const last = spawns[spawns.length - 1];
  return {
    ...run.fields,
    detail: { ...run.fields.detail, ...(last ? { spawned: { pid: last.pid, runId: last.runId, count: spawns.length } } : {}) },
    agent: run.agent,
    transport: run.transport,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - t0),
  };
}

/**
 * Run `job` (claimed by `deps.owner`) to its recorded end: choose the agent, prepare the worktree,
 * run the agent (run-agent.ts), then report it to the finish handler.
 */
export async function launchJob(deps: LaunchDeps, job: Job): Promise<LaunchResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const spawns: SpawnInfo[] = [];
  const task = await getTask(deps.store.db, job.task_id);
  // The task's own --suite/--timeout (orch stage) are in force for its jobs, whoever runs them.
  const ctxBase = { store: deps.store, config: configForTask(deps.config, task), task, job, taskDir: taskDir(deps.config, task.id), signal: deps.signal };
  const proc = {
    ...procOptionsFromConfig(deps.config),
    env: deps.marker,
    signal: deps.signal,
    onSpawn: (info: SpawnInfo) => {
      spawns.push(info);
      deps.onSpawn?.(info);
    },
  };

  const choice = chooseAgent(ctxBase);
  if (!choice.reserved && !choice.role) return notRun(deps, job, `no reserved agent takes job ${job.id} and ${job.agent} on ${job.stage} is no LLM role`, 'no-agent');
  let worktree: PreparedWorktree;
  try {
    worktree = await prepareWorktree(deps.config, task, job.id);
  } catch (error) {
    return notRun(deps, job, `worktree for task ${task.id} could not be prepared: ${errorMessage(error)}`, 'worktree-error');
  }
  const ctx = { ...ctxBase, worktree: worktree.path, tip: worktree.tip, proc };
  const prepared = { worktree: { created: worktree.created, tip: worktree.tip, stashed: worktree.stashed, leftHead: worktree.leftHead } };
  const run = await runAgent(ctx, choice, prepared);
  if (run.fields.status === 'cancelled') return { kind: 'cancelled', reason: run.fields.reason };
  if (run.fields.refused) return { kind: 'not-run', reason: run.fields.reason, failure: await blockForBudget(deps, job, run.fields.refused) };
  const report = reportOf(run, spawns, startedAt, t0);
  // Shadow mode: the other side of the stage runs too, before the gate and without a say in it.
  if (choice.role && report.status === 'ok') await runShadow(deps, ctx, choice.role, report);
  const finish = await finishRun(deps, job, deps.owner, report);
  return { kind: 'finished', report, finish };
}
