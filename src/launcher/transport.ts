// THE single LLM transport (SPEC §4). No other code in orch may reach an LLM: the conformance
// harness finds this function by its @llmTransport tag and fails on any other path to an agent
// CLI, an LLM SDK or an LLM API.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { maskSecrets } from '../secrets/mask.ts';
import { CONFIG_KEYS } from '../config/keys.ts';
import { errorMessage } from '../errors.ts';
import { artifactPath } from '../config/task-paths.ts';
import type { RoleDef } from '../core/stages.ts';
import { verdictKey } from '../core/verdict-keys.ts';
import { findProgram } from '../proc/find-program.ts';
import { runInGroup, type RunResult } from '../proc/index.ts';
import { checkBudget } from './budget.ts';
import { buildPrompt, readRoleCard } from './prompt.ts';
import type { RunContext, RunResultFields } from './types.ts';
import { parseUsage } from './usage.ts';

/** How much of stderr a failed run keeps in the job's detail (the full output is in the log). */
const STDERR_KEPT = 2_000;

function earlierArtifacts(taskDir: string): string[] {
  try {
    return readdirSync(taskDir).filter((f) => /^\d\d-.*\.md$/.test(f)).sort();
  } catch {
    return [];
  }
}

/** The run's end as data: exit 0 is `ok` (the gate then judges the artifact), anything else `failed`. */
export function agentRunFields(result: RunResult, timeoutS: number): RunResultFields {
  const detail = {
    outcome: result.outcome,
    exitCode: result.exitCode,
    signal: result.signal,
    logPath: result.logPath,
    stderrLogPath: result.stderrLogPath,
    killed: result.killed,
    survivors: result.survivors,
    runId: result.runId,
    ...(result.outcome === 'exited' && result.exitCode === 0 ? {} : { stderrTail: maskSecrets(result.stderrTail.slice(-STDERR_KEPT)) }),
  };
  const usage = parseUsage(result.stdoutTail);
  const base = { exitCode: result.exitCode, usage, detail };
  const killed = result.killed > 0 ? `; ${result.killed} process(es) of its tree killed` : '';
  switch (result.outcome) {
    case 'exited':
      return result.exitCode === 0
        ? { ...base, status: 'ok', reason: 'agent exited 0' }
        : { ...base, status: 'failed', reason: `agent exited with code ${result.exitCode}${killed}` };
    case 'timeout':
      return { ...base, status: 'failed', reason: `agent timed out after ${timeoutS} s (ORCH_AGENT_TIMEOUT_S)${killed}` };
    case 'signaled':
      return { ...base, status: 'failed', reason: `agent died from ${result.signal ?? 'a signal'} that orch did not send${killed}` };
    case 'cancelled':
      return { ...base, status: 'cancelled', reason: 'agent stopped by orch (shutdown or lost lease)' };
    case 'spawn-error':
      return { ...base, status: 'failed', reason: `agent could not start (ORCH_AGENT_CMD ${JSON.stringify(result.command[0])}): ${result.error?.code ?? ''} ${result.error?.message ?? ''}`.trim() };
  }
}

/** The kind of the one alert raised while ORCH_AGENT_CMD's program cannot be found. */
export const AGENT_NOT_FOUND_ALERT = 'agent-command-not-found';

/**
 * ORCH_AGENT_CMD's program is not installed (or not on PATH): no agent can run on this machine,
 * which is no fault of the job. It waits ORCH_AGENT_NOT_FOUND_DEFER_S with its attempt unspent,
 * and one alert (per program) tells the operator.
 */
export function agentNotFound(config: Pick<RunContext['config'], 'ORCH_AGENT_NOT_FOUND_DEFER_S'>, program: string, now: Date = new Date()): RunResultFields {
  const reason = `agent command not found: ${program}`;
  return {
    status: 'deferred',
    reason,
    exitCode: null,
    notBefore: new Date(now.getTime() + Math.round(config.ORCH_AGENT_NOT_FOUND_DEFER_S * 1000)).toISOString(),
    alerts: [
      {
        kind: AGENT_NOT_FOUND_ALERT,
        dedupeKey: `${AGENT_NOT_FOUND_ALERT}:${program}`,
        message: `${reason} (ORCH_AGENT_CMD): jobs wait ${config.ORCH_AGENT_NOT_FOUND_DEFER_S} s and try again; install it or fix ORCH_AGENT_CMD, then \`orch alerts resolve ID\``,
        detail: { program },
      },
    ],
    detail: { outcome: 'agent-not-found', program },
  };
}

/** orch's own configuration is not the agent's business; an agent working on orch must not inherit it. */
function withoutOrchConfig(): Record<string, undefined> {
  return Object.fromEntries(Object.keys(CONFIG_KEYS).map((k) => [k, undefined]));
}

/**
 * Settings a role card names: the deployer (the staging runner's fallback) runs THE staging suite,
 * ORCH_STAGING_SUITE_CMD, the one value the runner runs too (empty: the repo's npm test); the
 * tester (the test runner's fallback) runs THE test suite, ORCH_TEST_SUITE_CMD or else the staging suite.
 */
function roleSettings(config: RunContext['config'], role: RoleDef): Record<string, string> {
  if (role.stage === 'testing') return { ORCH_TEST_SUITE_CMD: config.ORCH_TEST_SUITE_CMD === '' ? config.ORCH_STAGING_SUITE_CMD : config.ORCH_TEST_SUITE_CMD };
  return role.stage === 'deploy-staging' ? { ORCH_STAGING_SUITE_CMD: config.ORCH_STAGING_SUITE_CMD } : {};
}

/**
 * Run the LLM agent of `role` for the job: prompt (role card + task context) on stdin,
 * ORCH_AGENT_CMD without a shell in the task worktree, under the process-group runner with
 * ORCH_AGENT_TIMEOUT_S. Never throws: every failure is a `failed` result.
 *
 * @llmTransport
 */
export async function spawnAgent(ctx: RunContext, role: RoleDef): Promise<RunResultFields> {
  const { config, task, job } = ctx;
  // The task's LLM budget (ORCH_TASK_BUDGET_USD), before anything starts.
  try {
    const refused = await checkBudget(ctx.store.db, config, task.id, role.role);
    if (refused) return { status: 'failed', reason: refused.reason, exitCode: null, refused, detail: { outcome: 'budget', budget: { budgetUsd: refused.budgetUsd, spentUsd: refused.spentUsd, estimate: refused.estimate } } };
  } catch (error) {
    return { status: 'failed', reason: `the task's LLM budget could not be checked: ${errorMessage(error)}`, exitCode: null, detail: { outcome: 'budget-error' } };
  }
  let card: string;
  try {
    card = await readRoleCard(role.role);
  } catch (error) {
    return { status: 'failed', reason: errorMessage(error), exitCode: null, detail: { outcome: 'no-role-card' } };
  }
  const artifact = artifactPath(config, task.id, role.artifact);
  const values = role.verdictKey ? verdictKey(role.verdictKey).values : [];
  const prompt = buildPrompt(card, {
    taskId: task.id,
    title: task.title,
    branch: task.branch,
    base: task.base,
    stage: job.stage,
    role: role.role,
    attempt: job.attempt,
    worktree: ctx.worktree,
    taskDir: ctx.taskDir,
    artifactPath: artifact,
    verdictKey: role.verdictKey,
    verdictValues: values,
    earlierArtifacts: earlierArtifacts(ctx.taskDir),
  });
  const [file, ...args] = config.ORCH_AGENT_CMD;
  if (findProgram(file as string, { cwd: ctx.worktree, path: ctx.proc.env.PATH ?? process.env.PATH }) === null) return agentNotFound(config, file as string);
  const result = await runInGroup({
    file: file as string,
    args,
    cwd: ctx.worktree,
    input: prompt,
    timeoutMs: Math.round(config.ORCH_AGENT_TIMEOUT_S * 1000),
    logPath: join(ctx.taskDir, 'logs', `job-${job.id}-${role.role}.log`),
    ...ctx.proc,
    env: {
      ...withoutOrchConfig(),
      ...ctx.proc.env,
      ORCH_TASK_ID: String(task.id),
      ORCH_ROLE: role.role,
      ORCH_STAGE: job.stage,
      ORCH_ARTIFACT_PATH: artifact,
      ORCH_WORKTREE: ctx.worktree,
      ORCH_VERDICT_KEY: role.verdictKey ?? '',
      ORCH_VERDICT_VALUES: values.join(','),
      ...roleSettings(config, role),
    },
  });
  return agentRunFields(result, config.ORCH_AGENT_TIMEOUT_S);
}
