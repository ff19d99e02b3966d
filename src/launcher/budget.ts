// The per-task LLM budget (ORCH_TASK_BUDGET_USD, issue 17): checked by THE transport before each
// spawn. What a task has spent is the sum of its recorded LLM costs (every run, rework loops and
// shadow runs included); what the next run will cost is estimated by the mean cost of that role's
// LLM runs so far (all tasks), else the mean of all LLM runs, else nothing. A spawn whose estimate
// would take the task past the budget does not start: launchJob blocks the task with reason
// `budget` and one alert. Figures come from the store only.
import type { Config } from '../config/keys.ts';
import type { Db } from '../store/tx.ts';

/** The prefix of tasks.blocked_reason for a task blocked by its budget (GET /queue finds them by it). */
export const BUDGET_REASON = 'budget';
export const BUDGET_ALERT_KIND = 'budget';

export interface BudgetEstimate {
  readonly usd: number;
  /** Where the estimate came from: the role's own runs, every LLM run, or no run yet (0). */
  readonly source: 'role' | 'all-roles' | 'none';
  /** How many runs with a recorded cost the mean is over. */
  readonly runs: number;
}

export interface BudgetRefusal {
  readonly kind: 'budget';
  readonly role: string;
  readonly budgetUsd: number;
  readonly spentUsd: number;
  readonly estimate: BudgetEstimate;
  /** One line, starting with `budget:` (it becomes the task's blocked_reason). */
  readonly reason: string;
}

/** The LLM cost recorded for a task: its LLM runs (rework included) and its shadow LLM runs. */
export async function taskLlmCost(db: Db, taskId: number): Promise<number> {
  const runs = await db
    .selectFrom('agent_runs')
    .select((eb) => eb.fn.sum<number | string | null>('cost_usd').as('usd'))
    .where('task_id', '=', taskId)
    .where('transport', '=', 'llm')
    .executeTakeFirst();
  const shadow = await db
    .selectFrom('shadow_runs')
    .select((eb) => eb.fn.sum<number | string | null>('cost_usd').as('usd'))
    .where('task_id', '=', taskId)
    .executeTakeFirst();
  return Number(runs?.usd ?? 0) + Number(shadow?.usd ?? 0);
}

async function meanCost(db: Db, role: string | null): Promise<{ usd: number; runs: number }> {
  let query = db
    .selectFrom('agent_runs')
    .select((eb) => [eb.fn.avg<number | string | null>('cost_usd').as('usd'), eb.fn.count<number | string>('cost_usd').as('runs')])
    .where('transport', '=', 'llm')
    .where('cost_usd', 'is not', null);
  if (role !== null) query = query.where('role', '=', role);
  const row = await query.executeTakeFirst();
  return { usd: Number(row?.usd ?? 0), runs: Number(row?.runs ?? 0) };
}

/** What the next LLM run of `role` is expected to cost, from the runs recorded so far. */
export async function estimateRunCost(db: Db, role: string): Promise<BudgetEstimate> {
  const own = await meanCost(db, role);
  if (own.runs > 0) return { usd: own.usd, source: 'role', runs: own.runs };
  const all = await meanCost(db, null);
  if (all.runs > 0) return { usd: all.usd, source: 'all-roles', runs: all.runs };
  return { usd: 0, source: 'none', runs: 0 };
}

const usd = (n: number) => `$${n.toFixed(4)}`;

/** null when the spawn may start (no budget, or within it); the refusal otherwise. Passing = strictly more than the budget. */
export async function checkBudget(db: Db, config: Pick<Config, 'ORCH_TASK_BUDGET_USD'>, taskId: number, role: string): Promise<BudgetRefusal | null> {
  const budgetUsd = config.ORCH_TASK_BUDGET_USD;
  if (budgetUsd === null) return null;
  const [spentUsd, estimate] = await Promise.all([taskLlmCost(db, taskId), estimateRunCost(db, role)]);
  // Cents of floating-point noise must not decide: compare in micro-dollars.
  if (Math.round((spentUsd + estimate.usd) * 1e6) <= Math.round(budgetUsd * 1e6)) return null;
  const basis = estimate.source === 'role' ? `the mean of ${estimate.runs} ${role} run(s)` : estimate.source === 'all-roles' ? `no ${role} run yet: the mean of ${estimate.runs} LLM run(s)` : 'no LLM run recorded yet';
  const reason = `${BUDGET_REASON}: the next ${role} run (about ${usd(estimate.usd)}, ${basis}) would take task ${taskId}'s LLM cost from ${usd(spentUsd)} to ${usd(spentUsd + estimate.usd)}, past ORCH_TASK_BUDGET_USD=${budgetUsd}; raise the budget, then \`orch task retry ${taskId}\``;
  return { kind: 'budget', role, budgetUsd, spentUsd, estimate, reason };
}

/** GET /queue's `budget` block: the budget in force and the tasks it blocked, with what each spent. */
export async function budgetStatus(config: Pick<Config, 'ORCH_TASK_BUDGET_USD'>, db: Db) {
  const blocked = await db
    .selectFrom('tasks')
    .select(['id', 'repo', 'branch', 'stage', 'blocked_reason', 'updated_at'])
    .where('state', '=', 'blocked')
    .where('blocked_reason', 'like', `${BUDGET_REASON}:%`)
    .orderBy('id')
    .execute();
  const tasks = [];
  for (const t of blocked) {
    tasks.push({ task_id: t.id, repo: t.repo, branch: t.branch, stage: t.stage, reason: BUDGET_REASON, spent_usd: await taskLlmCost(db, t.id), blocked_reason: t.blocked_reason, blocked_at: t.updated_at });
  }
  return { task_budget_usd: config.ORCH_TASK_BUDGET_USD, blocked: tasks };
}
