// How tasks look on a terminal and in --json: an aligned table, and a task's timeline.
import { shownState } from '../core/states.ts';
import { basename } from 'node:path';
import type { AgentRun, Alert, GateResultRow, Job, Task, TransitionRow } from '../store/schema.ts';
import { ownerReaps } from '../worker/reaper.ts';
import { detailValue, parseJsonObject } from '../util/json.ts';
import { renderTable } from '../util/table.ts';

/** The repo as a short name: its folder's name, or the whole path when two listed repos share that name. */
export function repoLabels(repos: readonly string[]): Map<string, string> {
  const byName = new Map<string, Set<string>>();
  for (const repo of repos) byName.set(basename(repo), (byName.get(basename(repo)) ?? new Set()).add(repo));
  return new Map(repos.map((repo) => [repo, (byName.get(basename(repo))?.size ?? 1) > 1 ? repo : basename(repo)]));
}

export function taskTable(tasks: readonly Task[]): string {
  const labels = repoLabels(tasks.map((t) => t.repo));
  const rows = tasks.map((t) => [String(t.id), labels.get(t.repo) ?? t.repo, t.stage, shownState(t), t.branch, t.base, t.title]);
  return renderTable(['ID', 'REPO', 'STAGE', 'STATE', 'BRANCH', 'BASE', 'TITLE'], rows);
}

export interface TaskRecord {
  readonly task: Task;
  readonly jobs: readonly Job[];
  readonly transitions: readonly TransitionRow[];
  readonly gateResults: readonly GateResultRow[];
  readonly runs: readonly AgentRun[];
  readonly alerts: readonly Alert[];
}

export interface TimelineEvent {
  readonly at: string;
  readonly kind: 'job' | 'transition' | 'gate' | 'run' | 'alert';
  readonly text: string;
}

/**
 * Which try of its stage each job is: 1, 2, 3 for the runs of one visit to a stage (a crash
 * retry, a verdict re-run), starting again at 1 when the task comes back to the stage later.
 * (The job's `attempt` column counts verdict re-runs only, so it alone would say 1 for every retry.)
 */
export function jobTries(jobs: readonly Job[]): Map<number, number> {
  const tries = new Map<number, number>();
  let stage: string | null = null;
  let n = 0;
  for (const j of [...jobs].sort((a, b) => a.id - b.id)) {
    n = j.stage === stage ? n + 1 : 1;
    stage = j.stage;
    tries.set(j.id, n);
  }
  return tries;
}

/** The suite a deterministic staging run ran, from the job's detail: its verdict and exit code. */
function stagingOf(job: Pick<Job, 'detail'>): { status: string; exitCode: number | null } | null {
  const detail = parseJsonObject(job.detail) as { result?: { staging?: { kind?: string; status?: unknown; exitCode?: unknown } } } | null;
  const staging = detail?.result?.staging;
  if (staging?.kind !== 'finished' || typeof staging.status !== 'string') return null;
  return { status: staging.status, exitCode: typeof staging.exitCode === 'number' ? staging.exitCode : null };
}

/** What a job came to: its state, and for a staging run the suite's own verdict and exit code. */
export function jobResult(j: Pick<Job, 'state' | 'outcome' | 'detail'>): string {
  const staging = j.state === 'succeeded' ? stagingOf(j) : null;
  if (staging) {
    const code = staging.exitCode === null ? '' : `, exit ${staging.exitCode}`;
    return staging.status === 'PASSED' ? `suite passed (staging_status: PASSED${code})` : `suite failed (staging_status: ${staging.status}${code})`;
  }
  return `${j.state}${j.outcome ? ` (${j.outcome})` : ''}`;
}

/** Every recorded event of a task, oldest first (stable within the same instant). */
export function timeline(r: TaskRecord): TimelineEvent[] {
  const tries = jobTries(r.jobs);
  const byId = new Map(r.jobs.map((j) => [j.id, j]));
  const runExit = (u: AgentRun) => {
    const job = byId.get(u.job_id);
    const staging = job ? stagingOf(job) : null;
    return staging ? `suite exit ${staging.exitCode ?? '-'}` : `exit ${u.exit_code ?? '-'}`;
  };
  const events: TimelineEvent[] = [
    ...r.jobs.map((j) => {
      const reaps = ownerReaps(j.detail);
      return { at: j.created_at, kind: 'job' as const, text: `job ${j.id} ${j.agent} on ${j.stage} (attempt ${tries.get(j.id) ?? 1}${reaps > 0 ? `, reaped ${reaps}x` : ''}): ${jobResult(j)}` };
    }),
    ...r.gateResults.map((g) => ({ at: g.created_at, kind: 'gate' as const, text: `gate ${g.from_stage}->${g.to_stage} ${g.check_id}: ${g.verdict}: ${g.reason}` })),
    ...r.transitions.map((t) => ({ at: t.created_at, kind: 'transition' as const, text: `${t.kind} ${t.from_stage} -> ${t.to_stage}${t.reason ? `: ${t.reason}` : ''}` })),
    ...r.runs.map((u) => ({ at: u.started_at, kind: 'run' as const, text: `run ${u.role} (${u.transport}) job ${u.job_id}: ${runExit(u)} in ${u.duration_ms} ms${u.model ? `, ${u.model}` : ''}` })),
    ...r.alerts.map((a) => ({ at: a.created_at, kind: 'alert' as const, text: `alert ${a.kind}: ${a.message}${a.resolved_at ? ` (resolved ${a.resolved_at})` : ''}` })),
  ];
  // Rows of one transaction share an instant: show them in the order a gate produces them.
  const order = { gate: 0, transition: 1, job: 2, run: 3, alert: 4 };
  return events.sort((a, b) => (a.at === b.at ? order[a.kind] - order[b.kind] : a.at < b.at ? -1 : 1));
}

/** Reaps of the task's jobs for a dead worker or a lost lease. */
export function reaps(r: Pick<TaskRecord, 'jobs'>): number {
  return r.jobs.reduce((n, j) => n + ownerReaps(j.detail), 0);
}

/** The task's recorded LLM spend (rework included), the figure ORCH_TASK_BUDGET_USD is checked against. */
function llmCostLine(runs: readonly AgentRun[]): string[] {
  const llm = runs.filter((u) => u.transport === 'llm');
  if (llm.length === 0) return [];
  const usd = llm.reduce((sum, u) => sum + (u.cost_usd ?? 0), 0);
  return [`  llm cost $${usd.toFixed(4)} in ${llm.length} run(s)`];
}

export function renderTask(r: TaskRecord): string {
  const t = r.task;
  const head = [
    `task ${t.id}: ${t.title}`,
    `  repo     ${t.repo}`,
    `  branch   ${t.branch} (base ${t.base})`,
    `  stage    ${t.stage} (${shownState(t)}), version ${t.version}`,
    ...(t.substate === 'mergeable' ? [`  waits    for an explicit merge: orch stage --merge, or orch task merge ${t.id}`] : []),
    ...(t.blocked_reason ? [`  ${t.substate === 'cancelled' ? 'ended   ' : 'blocked '} ${t.blocked_reason}`] : []),
    // The flags `orch stage` recorded on the task, in force for every later run of its jobs.
    ...llmCostLine(r.runs),
    ...(t.suite_cmd ? [`  suite    ${t.suite_cmd}`] : []),
    ...(t.timeout_s !== null ? [`  timeout  ${t.timeout_s} s`] : []),
    ...(t.validated_sha ? [`  tested   ${t.validated_sha}`] : []),
    ...(reaps(r) > 0 ? [`  reaps    ${reaps(r)} (a worker died or lost its lease during a run; never counted as a failed attempt)`] : []),
    'timeline:',
  ];
  const events = timeline(r).map((e) => `  ${e.at}  ${e.text}`);
  return [...head, ...(events.length ? events : ['  (nothing recorded yet)'])].join('\n');
}

/** JSON form: the stored rows, with JSON detail columns parsed. */
export function taskJson(r: TaskRecord): object {
  const parse = <T extends { detail: string | null }>(row: T) => ({ ...row, detail: detailValue(row.detail) });
  return {
    task: r.task,
    reaps: reaps(r),
    jobs: r.jobs.map((j) => ({ ...parse(j), reaps: ownerReaps(j.detail) })),
    transitions: r.transitions,
    gateResults: r.gateResults.map(parse),
    runs: r.runs,
    alerts: r.alerts.map(parse),
    timeline: timeline(r),
  };
}
