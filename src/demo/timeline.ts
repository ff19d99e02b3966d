// The demo's timeline: one row per agent run, with what the gate made of it. A pure function of
// the stored rows (the same tables `orch task show` reads).
import { formatDuration } from '../util/duration.ts';
import { renderTable } from '../util/table.ts';
import type { AgentRun, Job, TransitionRow } from '../store/schema.ts';

export interface TimelineRow {
  readonly n: number;
  readonly stage: string;
  readonly agent: string;
  readonly transport: string;
  readonly durationMs: number;
  readonly costUsd: number | null;
  /** What followed the run: the transition it led to, a re-run, a failure. */
  readonly result: string;
}

function resultOf(run: AgentRun, job: Job | undefined, transitions: readonly TransitionRow[]): string {
  const moved = transitions.find((t) => t.job_id === run.job_id);
  if (moved?.kind === 'rollback') return `rolled back -> ${moved.to_stage} (${moved.reason ?? 'no reason'})`;
  if (moved) return moved.to_stage === 'done' ? 'done' : `advanced -> ${moved.to_stage}`;
  if (job?.state === 'failed') return `failed (${job.outcome ?? 'no outcome'})`;
  return 'no transition (re-run)';
}

export function buildTimeline(runs: readonly AgentRun[], jobs: readonly Job[], transitions: readonly TransitionRow[]): TimelineRow[] {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  return runs.map((run, i) => ({
    n: i + 1,
    stage: byId.get(run.job_id)?.stage ?? '?',
    agent: run.role,
    transport: run.transport,
    durationMs: run.duration_ms,
    costUsd: run.cost_usd,
    result: resultOf(run, byId.get(run.job_id), transitions),
  }));
}

export function renderTimeline(rows: readonly TimelineRow[]): string {
  return renderTable(
    ['#', 'STAGE', 'AGENT', 'TRANSPORT', 'DURATION', 'COST', 'RESULT'],
    rows.map((r) => [String(r.n), r.stage, r.agent, r.transport, formatDuration(r.durationMs), r.costUsd === null ? '-' : `$${r.costUsd.toFixed(4)}`, r.result]),
  );
}

/** One line under the table: runs by transport, total cost, rollbacks. */
export function summarize(rows: readonly TimelineRow[]): string {
  const llm = rows.filter((r) => r.transport === 'llm').length;
  const cost = rows.reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
  const rollbacks = rows.filter((r) => r.result.startsWith('rolled back')).length;
  return `${rows.length} agent runs (${llm} llm, ${rows.length - llm} deterministic), $${cost.toFixed(4)} in LLM cost, ${rollbacks} rollback(s)`;
}
