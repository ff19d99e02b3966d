// launchJob: run one claimed job. The reserved-agents registry is consulted BEFORE any spawn;
// every other job (and a reserved agent's fallback) goes to spawnAgent, THE LLM transport. Both
// paths end in the same finish handler. Never throws for anything a job can do wrong: a broken
// worktree, a missing role card or a reserved agent that raises are failed runs, recorded.
import { configForTask } from '../pipeline/task-config.ts';
import type { Config } from '../config/keys.ts';
import { errorMessage } from '../errors.ts';
import { taskDir } from '../pipeline/paths.ts';
import { roleByName, roleForStage, isStage, type RoleDef } from '../core/stages.ts';
import { procOptionsFromConfig, type SpawnInfo } from '../proc/index.ts';
import type { Store } from '../store/db.ts';
import { git } from '../git/run.ts';
import { getTask } from '../store/repos/tasks.ts';
import type { Job } from '../store/schema.ts';
import { prepareWorktree, type PreparedWorktree } from '../worktree/prepare.ts';
import { publishBranch } from '../worktree/publish.ts';
import { BUDGET_ALERT_KIND, type BudgetRefusal } from './budget.ts';
import { blockWithoutRun, failWithoutRun, finishRun, type FailurePlan, type FinishOutcome } from './finish.ts';
import { runShadow } from '../shadow/run.ts';
import { findReservedAgent } from './reserved.ts';
import { spawnAgent } from './transport.ts';
import type { ReservedAgent, ReservedFallback, RunContext, RunReport, RunResultFields, Transport } from './types.ts';

/** Roles whose commits orch publishes to the task branch (compare-and-swap, never a force). */
export const COMMITTING_ROLES: ReadonlySet<string> = new Set(['developer']);

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

function failed(reason: string, outcome: string, extra: Record<string, unknown> = {}): RunResultFields {
  return { status: 'failed', reason, exitCode: null, detail: { outcome, ...extra } };
}

/** The LLM role a job stands for: its agent's role, else its stage's default role. */
function llmRoleFor(job: Job): RoleDef | undefined {
  const byName = roleByName(job.agent);
  if (byName?.kind === 'llm') return byName;
  const byStage = isStage(job.stage) ? roleForStage(job.stage) : undefined;
  return byStage?.kind === 'llm' ? byStage : undefined;
}

/** Run the reserved agent; a throw is a failed run (never-raise), not a crash of the worker. */
async function runReserved(agent: ReservedAgent, ctx: RunContext): Promise<RunResultFields | ReservedFallback> {
  try {
    return await agent.run(ctx);
  } catch (error) {
    return failed(`${agent.name} raised: ${errorMessage(error)}`, 'reserved-error');
  }
}

/** After an LLM run: publish the developer's commits; note commits other roles left behind. */
async function settleCommits(ctx: RunContext, agent: string, tip: string, fields: RunResultFields): Promise<RunResultFields> {
  if (fields.status !== 'ok') return fields;
  try {
    if (COMMITTING_ROLES.has(agent)) {
      const published = await publishBranch(ctx.task.repo, ctx.task.branch, ctx.worktree, tip, ctx.job.id);
      if (published.kind === 'unchanged' || published.kind === 'published') return { ...fields, detail: { ...fields.detail, publish: published } };
      const why = published.kind === 'diverged' ? `its HEAD ${published.head} does not descend from the branch tip ${published.tip}` : `the branch moved while it ran (${published.message})`;
      return failed(`commits not published: ${why}; nothing was forced`, `publish-${published.kind}`, { publish: published });
    }
    const head = await git(ctx.worktree, ['rev-parse', '--verify', 'HEAD']);
    return head === tip ? fields : { ...fields, detail: { ...fields.detail, unpublishedHead: head } };
  } catch (error) {
    return failed(`publishing the branch failed: ${errorMessage(error)}`, 'publish-error');
  }
}

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

/** Run `job` (claimed by `deps.owner`) to its recorded end. */
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

  // Who runs is decided before anything else, so even a failed start is put on the right agent.
  const reserved = findReservedAgent(ctxBase);
  const role = llmRoleFor(job);
  let agent = reserved?.name ?? role?.role ?? job.agent;
  let transport: Transport = reserved ? 'deterministic' : 'llm';
  // No agent can run: nothing goes to agent_runs; the failure policy applies to the job.
  const notRun = async (reason: string, outcome: string): Promise<LaunchResult> => ({
    kind: 'not-run',
    reason,
    failure: await failWithoutRun(deps, job, deps.owner, { reason, outcome }),
  });
  if (!reserved && !role) return notRun(`no reserved agent takes job ${job.id} and ${job.agent} on ${job.stage} is no LLM role`, 'no-agent');
  let worktree: PreparedWorktree;
  try {
    worktree = await prepareWorktree(deps.config, task, job.id);
  } catch (error) {
    return notRun(`worktree for task ${task.id} could not be prepared: ${errorMessage(error)}`, 'worktree-error');
  }
  const tip = worktree.tip;
  const ctx: RunContext = { ...ctxBase, worktree: worktree.path, tip, proc };
  const prepared = { worktree: { created: worktree.created, tip, stashed: worktree.stashed, leftHead: worktree.leftHead } };
  let fields: RunResultFields;
  try {
    const own = reserved ? await runReserved(reserved, ctx) : null;
    if (own && own.status !== 'fallback') fields = own;
    else {
      const fallback = own?.status === 'fallback' ? { ...own.detail, fallbackFrom: reserved?.name, fallbackReason: own.reason } : {};
      transport = 'llm';
      if (!role) fields = failed(`${reserved?.name} fell back, but ${job.agent} on ${job.stage} is no LLM role`, 'no-agent');
      else {
        agent = role.role;
        fields = await spawnAgent(ctx, role);
      }
      fields = { ...fields, detail: { ...fields.detail, ...fallback } };
    }
    fields = { ...fields, detail: { ...prepared, ...fields.detail } };
    if (transport === 'llm') fields = await settleCommits(ctx, agent, tip, fields);
  } catch (error) {
    fields = failed(`job ${job.id} failed in orch: ${errorMessage(error)}`, 'launch-error');
  }
  if (fields.status === 'cancelled') return { kind: 'cancelled', reason: fields.reason };
  if (fields.refused) return { kind: 'not-run', reason: fields.reason, failure: await blockForBudget(deps, job, fields.refused) };
  const finishedAt = new Date();
  const last = spawns[spawns.length - 1];
  const report: RunReport = {
    ...fields,
    detail: { ...fields.detail, ...(last ? { spawned: { pid: last.pid, runId: last.runId, count: spawns.length } } : {}) },
    agent,
    transport,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: Math.round(performance.now() - t0),
  };
  // Shadow mode: the other side of the stage runs too, before the gate and without a say in it.
  if (role && report.status === 'ok') await runShadow(deps, ctx, role, report);
  const finish = await finishRun(deps, job, deps.owner, report);
  return { kind: 'finished', report, finish };
}
