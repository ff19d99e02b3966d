// Shadow mode (ORCH_SHADOW_ROLES, issue 17): for a stage that has both an LLM role and its
// deterministic candidate, run the side that did NOT decide as well, and record both verdicts on
// one shadow_runs row. When the deterministic agent decided, the LLM role runs in shadow; when the
// LLM role decided (kill-switch off, repo out of scope, fallback), the deterministic agent runs in
// shadow. The shadow never gates (launchJob runs it before the finish handler, which neither sees
// nor waits for its verdict) and never commits: it works in a throwaway worktree detached at the
// tested commit, with its own artifact folder, and the worktree is removed after the run, so any
// commit it made is on no branch. Its LLM cost is recorded on the row (the budget counts it).
// Never throws: a shadow that cannot run is logged in the row's detail or skipped.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config/keys.ts';
import { errorMessage } from '../errors.ts';
import { runGit } from '../git/run.ts';
import { spawnAgent } from '../launcher/transport.ts';
import type { RunContext, RunReport } from '../launcher/types.ts';
import { artifactPath, taskDir } from '../config/task-paths.ts';
import type { RoleDef } from '../core/stages.ts';
import { parseVerdict } from '../core/verdict.ts';
import { STAGING_PROFILE, type SuiteProfile } from '../staging/profile.ts';
import { stageSuite } from '../staging/runner.ts';
import type { Store } from '../store/db.ts';
import { insertShadowRun } from '../store/repos/shadow-runs.ts';
import type { ShadowRun } from '../store/schema.ts';
import { nowIso } from '../store/time.ts';
import { TEST_PROFILE } from '../test-runner/runner.ts';
import { createTaskWorktree } from '../worktree/prepare.ts';
import { shadowPair } from '../core/shadow-pairs.ts';

const PROFILES: readonly SuiteProfile[] = [TEST_PROFILE, STAGING_PROFILE];

export interface ShadowDeps {
  readonly store: Store;
  readonly config: Config;
}

/** The verdict in an artifact, by THE parser; null when the file is missing or has no valid verdict. */
function verdictIn(path: string, key: string): { value: string | null; why: string | null } {
  if (!existsSync(path)) return { value: null, why: `no artifact at ${path}` };
  const parsed = parseVerdict(readFileSync(path, 'utf8'), key);
  if (parsed.kind === 'verdict') return { value: parsed.value, why: null };
  return { value: null, why: parsed.kind === 'missing' ? `no ${key} line` : parsed.reason };
}

/** `$ORCH_HOME/shadow/task-<id>/job-<job>`: the shadow's own ORCH_HOME (artifacts, logs) and worktree. */
export function shadowHome(config: Pick<Config, 'ORCH_HOME'>, taskId: number, jobId: number): string {
  return join(resolve(config.ORCH_HOME), 'shadow', `task-${taskId}`, `job-${jobId}`);
}

/** The earlier artifacts of the task, so the shadow sees what the deciding run saw (not the stage's own). */
function copyEarlierArtifacts(from: string, to: string, own: string): void {
  mkdirSync(to, { recursive: true });
  if (!existsSync(from)) return;
  for (const name of readdirSync(from)) if (/^\d\d-.*\.md$/.test(name) && name !== own) copyFileSync(join(from, name), join(to, name));
}

interface ShadowSide {
  readonly verdict: string | null;
  readonly costUsd: number | null;
  readonly tokensIn: number | null;
  readonly tokensOut: number | null;
  readonly detail: Record<string, unknown>;
}

/**
 * After a stage run ended `ok` and before the finish handler records it: run the other side in
 * shadow when ORCH_SHADOW_ROLES names the stage's role, and record the pair. Returns the row, or
 * null when shadow mode does not apply (or orch was stopping).
 */
export async function runShadow(deps: ShadowDeps, ctx: RunContext, role: RoleDef, report: Pick<RunReport, 'agent' | 'transport' | 'status'>): Promise<ShadowRun | null> {
  const { config } = deps;
  const { task, job } = ctx;
  const pair = shadowPair(role.role);
  if (!pair || !config.ORCH_SHADOW_ROLES.includes(role.role) || job.stage !== pair.stage || report.status !== 'ok' || role.verdictKey === null) return null;
  const key = role.verdictKey;
  const decidedBy: 'llm' | 'deterministic' = report.transport === 'deterministic' && report.agent === pair.agent ? 'deterministic' : 'llm';
  const decided = verdictIn(artifactPath(config, task.id, role.artifact), key);
  const home = shadowHome(config, task.id, job.id);
  const worktree = join(home, 'worktree');
  const shadowConfig: Config = { ...config, ORCH_HOME: home };
  const t0 = performance.now();
  let side: ShadowSide;
  try {
    rmSync(home, { recursive: true, force: true });
    copyEarlierArtifacts(ctx.taskDir, taskDir(shadowConfig, task.id), role.artifact);
    await createTaskWorktree(task, worktree, ctx.tip);
    try {
      // No onSpawn: the job row keeps the deciding run's process group, not the shadow's.
      const shadowCtx: RunContext = { ...ctx, config: shadowConfig, worktree, taskDir: taskDir(shadowConfig, task.id), proc: { ...ctx.proc, onSpawn: () => undefined } };
      side = decidedBy === 'deterministic' ? await llmShadow(shadowCtx, role, key) : await deterministicShadow(shadowCtx, pair.agent, role, key);
    } finally {
      await runGit(task.repo, ['worktree', 'remove', '--force', '--', worktree]).catch(() => undefined);
      rmSync(worktree, { recursive: true, force: true });
    }
  } catch (error) {
    side = { verdict: null, costUsd: null, tokensIn: null, tokensOut: null, detail: { error: errorMessage(error) } };
  }
  if (ctx.signal.aborted) return null; // orch is stopping: a half-run shadow is no evidence
  const [det, llm] = decidedBy === 'deterministic' ? [decided.value, side.verdict] : [side.verdict, decided.value];
  try {
    return await insertShadowRun(deps.store.db, {
      task_id: task.id,
      job_id: job.id,
      stage: job.stage,
      role: role.role,
      agent: pair.agent,
      shadow: decidedBy === 'deterministic' ? 'llm' : 'deterministic',
      deterministic_verdict: det,
      llm_verdict: llm,
      agree: det === null || llm === null ? null : det === llm ? 1 : 0,
      cost_usd: side.costUsd,
      tokens_in: side.tokensIn,
      tokens_out: side.tokensOut,
      duration_ms: Math.round(performance.now() - t0),
      detail: JSON.stringify({ decidedBy: report.agent, commit: ctx.tip, home, ...(decided.why ? { decidedNoVerdict: decided.why } : {}), ...side.detail }),
      created_at: nowIso(),
    });
  } catch {
    return null;
  }
}

/** The LLM role in the throwaway worktree, through THE transport (budget check included). */
async function llmShadow(ctx: RunContext, role: RoleDef, key: string): Promise<ShadowSide> {
  const fields = await spawnAgent(ctx, role);
  const usage = fields.usage ?? null;
  const base = { costUsd: usage?.costUsd ?? null, tokensIn: usage?.tokensIn ?? null, tokensOut: usage?.tokensOut ?? null };
  if (fields.refused) return { ...base, verdict: null, detail: { skipped: 'budget', reason: fields.reason } };
  if (fields.status !== 'ok') return { ...base, verdict: null, detail: { shadowStatus: fields.status, reason: fields.reason } };
  const found = verdictIn(artifactPath(ctx.config, ctx.task.id, role.artifact), key);
  return { ...base, verdict: found.value, detail: found.why ? { shadowNoVerdict: found.why } : {} };
}

/** The deterministic candidate in the throwaway worktree: the suite runner with its profile, writing into the shadow's home. */
async function deterministicShadow(ctx: RunContext, agent: string, role: RoleDef, key: string): Promise<ShadowSide> {
  const none = { costUsd: null, tokensIn: null, tokensOut: null };
  const profile = PROFILES.find((p) => p.agent === agent);
  if (!profile) return { ...none, verdict: null, detail: { error: `no suite profile for ${agent}` } };
  const staged = await stageSuite({ config: ctx.config, profile }, { task: ctx.task, job: ctx.job, worktree: ctx.worktree, signal: ctx.signal, proc: ctx.proc });
  if (staged.outcome.kind !== 'finished') return { ...none, verdict: null, detail: { shadowOutcome: staged.outcome.kind, reason: staged.outcome.reason } };
  const found = verdictIn(artifactPath(ctx.config, ctx.task.id, role.artifact), key);
  return { ...none, verdict: found.value, detail: { exitCode: staged.outcome.exitCode, ...(found.why ? { shadowNoVerdict: found.why } : {}) } };
}
