// What a run of any agent comes back as. The LLM transport and every reserved deterministic
// agent produce the same RunReport, and the finish handler treats both identically: to the
// gates a deterministic agent is indistinguishable from a finished LLM agent.
import type { Config } from '../config/keys.ts';
import type { SpawnInfo } from '../proc/index.ts';
import type { Store } from '../store/db.ts';
import type { Job, Task } from '../store/schema.ts';
import type { BudgetRefusal } from './budget.ts';

export const TRANSPORTS = Object.freeze({ llm: 'llm', deterministic: 'deterministic' } as const);
export type Transport = (typeof TRANSPORTS)[keyof typeof TRANSPORTS];

/**
 * ok: the agent ran to the end (exit 0); the gate judges its artifact.
 * failed: it crashed, exited non-zero, timed out or could not start; the job is retried (bounded).
 * deferred: an infra problem worth waiting out (not_before); the job stays on its stage.
 * cancelled: orch stopped it (shutdown or a lost lease); nothing is recorded as a result.
 */
export const RUN_STATUSES = Object.freeze({ ok: 'ok', failed: 'failed', deferred: 'deferred', cancelled: 'cancelled' } as const);
export type RunStatus = (typeof RUN_STATUSES)[keyof typeof RUN_STATUSES];

export interface AgentUsage {
  readonly tokensIn: number | null;
  readonly tokensOut: number | null;
  readonly costUsd: number | null;
  readonly model: string | null;
}

/** An alert a run asks for (written by the finish handler in the same transaction). */
export interface RunAlert {
  readonly kind: string;
  /** One alert per episode: a second run with the same key raises nothing. */
  readonly dedupeKey: string;
  readonly message: string;
  readonly detail?: object;
}

/** The part of a report an agent decides; launchJob adds who ran, how, and when. */
export interface RunResultFields {
  readonly status: Exclude<RunStatus, 'cancelled'> | 'cancelled';
  /** One line for people: what happened. */
  readonly reason: string;
  readonly exitCode: number | null;
  readonly usage?: AgentUsage | null;
  /** For `deferred`: when the job may run again. */
  readonly notBefore?: string | null;
  readonly alerts?: readonly RunAlert[];
  /** The commit a deterministic run proved good (the staging runner): stored as the task's validated_sha; null clears it, absent leaves it. */
  readonly validatedSha?: string | null;
  /** The run hit an infra problem (deferred, or failed closed on a spent budget): the job's infra_attempts goes up by one. */
  readonly infraError?: boolean;
  /** Anything worth keeping with the job: outcome of the process, log paths, artifact, counts. */
  readonly detail?: Readonly<Record<string, unknown>>;
  /** The transport did not spawn (the task's LLM budget): no run to record; launchJob blocks the task. */
  readonly refused?: BudgetRefusal;
}

/** A failed run's fields: `reason` for people, `outcome` for the job row, `extra` kept in its detail. */
export function failedFields(reason: string, outcome: string, extra: Record<string, unknown> = {}): RunResultFields {
  return { status: 'failed', reason, exitCode: null, detail: { outcome, ...extra } };
}

export interface RunReport extends RunResultFields {
  /** Who ran: the role for an LLM agent, the reserved agent's name otherwise. */
  readonly agent: string;
  readonly transport: Transport;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
}

/** Everything a run needs besides the job itself. */
export interface RunContext {
  readonly store: Store;
  readonly config: Config;
  readonly task: Task;
  readonly job: Job;
  /** `$ORCH_HOME/worktrees/<task-id>`, at the branch tip. */
  readonly worktree: string;
  /** The commit the worktree has checked out (the branch tip when the job started). */
  readonly tip: string;
  /** `$ORCH_HOME/tasks/<task-id>`. */
  readonly taskDir: string;
  /** Aborted on shutdown or when the lease is lost: stop, kill what runs, report `cancelled`. */
  readonly signal: AbortSignal;
  /**
   * Spread into every runInGroup call of the run: the job's marker variable (the reaper finds
   * orphans by it), graceMs/treeKill from config, onSpawn (records the group on the job row) and
   * the abort signal.
   */
  readonly proc: RunProcOptions;
}

export interface RunProcOptions {
  readonly env: Readonly<Record<string, string>>;
  readonly graceMs: number;
  readonly treeKill: boolean;
  readonly signal: AbortSignal;
  readonly onSpawn: (info: SpawnInfo) => void;
}

/** What a reserved agent may answer besides a result: "not me after all, run the LLM role". */
export interface ReservedFallback {
  readonly status: 'fallback';
  readonly reason: string;
  /** Facts of the attempt, kept with the LLM run's detail (nothing the agent recorded is lost). */
  readonly detail?: Readonly<Record<string, unknown>>;
}

/**
 * A reserved deterministic agent: orch code that does a stage's work in-process, consulted by
 * launchJob BEFORE any LLM spawn. It writes the stage's artifact (with its verdict line) itself.
 */
export interface ReservedAgent {
  readonly name: string;
  readonly stage: string;
  /** Whether it takes this job (the staging runner, say, only for the repos it is enabled for). */
  applies(ctx: Pick<RunContext, 'task' | 'job' | 'config'>): boolean;
  /** Do the work; throwing is a bug, recorded as a failed run (never-raise at launchJob). */
  run(ctx: RunContext): Promise<RunResultFields | ReservedFallback>;
}
