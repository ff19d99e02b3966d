// Row types of the store, as Kysely sees them. Keep in step with migrations/ (the drift guard
// compares the migrated schema with docs/architecture/db-schema.md).
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { JobState, TaskState, TaskSubstate } from '../core/states.ts';

export interface TasksTable {
  id: Generated<number>;
  repo: string;
  branch: string;
  base: string;
  title: string;
  stage: string;
  state: Generated<TaskState>;
  validated_sha: string | null;
  blocked_reason: string | null;
  /** `orch stage --suite`, kept for whoever runs the task's jobs later; null = the config. */
  suite_cmd: Generated<string | null>;
  /** `orch stage --timeout` in seconds (staging suite and re-test); null = the config. */
  timeout_s: Generated<number | null>;
  /** `mergeable` (active, waits for an explicit merge) or `cancelled` (done by an operator). */
  substate: Generated<TaskSubstate | null>;
  /** `ask`: staged without --merge, the merge gate stops at mergeable unless a merge is asked for explicitly. */
  merge_policy: Generated<'ask' | null>;
  version: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface JobsTable {
  id: Generated<number>;
  task_id: number;
  stage: string;
  agent: string;
  state: Generated<JobState>;
  attempt: Generated<number>;
  infra_attempts: Generated<number>;
  not_before: string | null;
  lease_owner: string | null;
  lease_expires_at: string | null;
  pid: number | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  outcome: string | null;
  detail: string | null;
}

export interface AgentRunsTable {
  id: Generated<number>;
  job_id: number;
  task_id: number;
  role: string;
  transport: 'llm' | 'deterministic';
  started_at: string;
  finished_at: string;
  duration_ms: number;
  exit_code: number | null;
  tokens_in: number | null;
  tokens_out: number | null;
  cost_usd: number | null;
  model: string | null;
}

export interface TransitionsTable {
  id: Generated<number>;
  task_id: number;
  job_id: number | null;
  from_stage: string;
  to_stage: string;
  kind: 'forward' | 'rollback';
  reason: string | null;
  created_at: string;
}

export interface GateResultsTable {
  id: Generated<number>;
  task_id: number;
  job_id: number | null;
  transition_id: number | null;
  from_stage: string;
  to_stage: string;
  check_id: string;
  verdict: 'pass' | 'fail' | 'defer';
  reason: string;
  detail: string | null;
  created_at: string;
}

export interface AlertsTable {
  id: Generated<number>;
  task_id: number | null;
  kind: string;
  dedupe_key: string;
  message: string;
  detail: string | null;
  created_at: string;
  resolved_at: string | null;
}

/** A repository's merge lock while a merge gate holds it (migrations/002_merge_locks.ts). */
export interface MergeLocksTable {
  repo: string;
  holder: string;
  task_id: number | null;
  acquired_at: string;
  expires_at: string;
}

/** A merge the gate's apply step is about to perform (migrations/007_merge_intents.ts), until its attempt is recorded. */
export interface MergeIntentsTable {
  task_id: number;
  base: string;
  /** The base tip the merge moves from. */
  base_old: string;
  /** The tested HEAD the base moves to. */
  planned_sha: string;
  created_at: string;
}

/** One shadow run (migrations/006_shadow_runs.ts): both verdicts of a stage, the deciding one and the shadow's. */
export interface ShadowRunsTable {
  id: Generated<number>;
  task_id: number;
  job_id: number | null;
  stage: string;
  /** The LLM role of the stage (tester, deployer). */
  role: string;
  /** Its deterministic candidate (test-runner, staging-runner). */
  agent: string;
  /** Which side ran in shadow: `llm` (the deterministic agent decided) or `deterministic`. */
  shadow: 'llm' | 'deterministic';
  deterministic_verdict: string | null;
  llm_verdict: string | null;
  /** 1 agree, 0 disagree, null when a side gave no verdict. */
  agree: number | null;
  /** What the shadow run cost in LLM spend (null for a deterministic shadow or no report). */
  cost_usd: number | null;
  tokens_in: number | null;
  tokens_out: number | null;
  duration_ms: number;
  detail: string | null;
  created_at: string;
}

export interface Database {
  tasks: TasksTable;
  jobs: JobsTable;
  agent_runs: AgentRunsTable;
  transitions: TransitionsTable;
  gate_results: GateResultsTable;
  alerts: AlertsTable;
  merge_locks: MergeLocksTable;
  shadow_runs: ShadowRunsTable;
  merge_intents: MergeIntentsTable;
}

export type Task = Selectable<TasksTable>;
export type NewTask = Insertable<TasksTable>;
export type TaskUpdate = Updateable<TasksTable>;
export type Job = Selectable<JobsTable>;
export type NewJob = Insertable<JobsTable>;
export type AgentRun = Selectable<AgentRunsTable>;
export type TransitionRow = Selectable<TransitionsTable>;
export type GateResultRow = Selectable<GateResultsTable>;
export type Alert = Selectable<AlertsTable>;
export type MergeLockRow = Selectable<MergeLocksTable>;
export type ShadowRun = Selectable<ShadowRunsTable>;
export type MergeIntent = Selectable<MergeIntentsTable>;
