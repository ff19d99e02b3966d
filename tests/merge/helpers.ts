// Merge-gate test setup: a temp ORCH_HOME and repo, a task waiting on deploy-staging with a PASSED
// staging log, fast suite fixtures (a generous 20 s timeout, 0.2 s grace, no backoff), and a worker stand-in.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import type { MergeAttempt } from '../../src/core/merge-attempt.ts';
import { advance, type AdvanceResult } from '../../src/pipeline/advance.ts';
import { gateResultsForTask } from '../../src/store/repos/history.ts';
import { jobsForTask } from '../../src/store/repos/jobs.ts';
import { getTask } from '../../src/store/repos/tasks.ts';
import { parseJsonObject } from '../../src/util/json.ts';
import { makePipelineEnv, type PipelineEnv } from '../helpers/pipeline.ts';
import { copyTempRepo, makeTempRepo, type TempRepo } from '../helpers/git-repo.ts';
import { fileScoped } from '../helpers/file-scoped.ts';
import { scaled } from '../helpers/time.ts';

export const SUITES = resolve(import.meta.dirname, '../../fixtures/suites');

/** `bash <fixture> args...` as a command line for ORCH_MERGE_RETEST_CMD. */
export function suite(name: string, ...args: string[]): string {
  return ['bash', resolve(SUITES, name), ...args].map((a) => JSON.stringify(a)).join(' ');
}

export const FAST_ENV: Readonly<Record<string, string>> = {
  ORCH_MERGE_RETEST_CMD: suite('merge-green.sh'),
  // Generous: a passing re-test must never hit it on a loaded machine; the tests of a hanging
  // re-test set a short one of their own.
  ORCH_MERGE_RETEST_TIMEOUT_S: String(scaled(20_000) / 1000),
  ORCH_KILL_GRACE_S: '0.2',
  ORCH_MERGE_RETRY_BACKOFF_S: '0',
  ORCH_MERGE_INFRA_RETRIES: '2',
};

/** One sample repo per test file, removed after it; each test gets a byte copy (cheaper than building one with git). */
let template: Promise<TempRepo> | undefined;
function templateRepo(): Promise<TempRepo> {
  if (!template) {
    const made = makeTempRepo();
    template = made;
    fileScoped(async () => {
      template = undefined;
      (await made).cleanup();
    });
  }
  return template;
}

/** A fresh ORCH_HOME, store and repo (main + `feature/change` one commit ahead), with FAST_ENV. */
export async function mergeEnv(env: Record<string, string> = {}): Promise<PipelineEnv> {
  const repo = copyTempRepo(await templateRepo());
  const e = await makePipelineEnv({ repo, env: { ...FAST_ENV, ...env } });
  return { ...e, cleanup: async () => (await e.cleanup(), repo.cleanup()) };
}

/** A task on deploy-staging whose staging job finished with PASSED; optionally validated at `validatedSha`. */
export async function stagedTask(e: PipelineEnv, options: { branch?: string; validatedSha?: string } = {}): Promise<number> {
  const id = await e.add({ stage: 'deploy-staging', ...(options.branch ? { branch: options.branch } : {}) });
  e.write(id, '15-staging-log.md', '# staging\n\nstaging_status: PASSED\n');
  if (options.validatedSha) await sql`update tasks set validated_sha = ${options.validatedSha} where id = ${id}`.execute(e.store.db);
  await e.finishJobs(id);
  return id;
}

/** What a worker does with a re-queued job once its time has come: run it (it passes again), finish it. */
export async function runRequeued(e: PipelineEnv, id: number): Promise<void> {
  await sql`update jobs set state = 'running', not_before = null where task_id = ${id} and state = 'deferred'`.execute(e.store.db);
  await e.finishJobs(id);
}

/** advance() and the check_branch_mergeable detail it recorded. */
export async function gate(e: PipelineEnv, id: number): Promise<{ result: AdvanceResult; detail: Partial<MergeAttempt> & Record<string, unknown> }> {
  const result = await advance(e, id);
  const rows = (await gateResultsForTask(e.store.db, id)).filter((g) => g.check_id === 'check_branch_mergeable');
  const last = rows[rows.length - 1];
  return { result, detail: (parseJsonObject(last?.detail ?? null) ?? {}) as Partial<MergeAttempt> & Record<string, unknown> };
}

export async function jobSummary(e: PipelineEnv, id: number): Promise<string[]> {
  return (await jobsForTask(e.store.db, id)).map((j) => `${j.stage}:${j.agent}:${j.state}`);
}

export async function taskState(e: PipelineEnv, id: number): Promise<{ stage: string; state: string }> {
  const t = await getTask(e.store.db, id);
  return { stage: t.stage, state: t.state };
}

/** PIDs written by merge-hang.sh, the suite's own first. */
export function pidsFrom(file: string): number[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
}

/** Alive and not a zombie (a reaped or zombie orphan is dead for our purposes). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Cleanup only: SIGKILL by PID whatever is still alive. */
export function killAll(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** Put fixtures/suites/merge-git/git first on PATH: it logs every call to `log` and execs the real git. */
export function wrapGit(log: string | null, fail: string | null = null): () => void {
  const saved = { PATH: process.env.PATH, log: process.env.MERGE_TEST_GIT_LOG, fail: process.env.MERGE_TEST_GIT_FAIL, real: process.env.MERGE_TEST_REAL_GIT };
  process.env.MERGE_TEST_REAL_GIT = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  process.env.PATH = `${resolve(SUITES, 'merge-git')}:${saved.PATH ?? ''}`;
  if (log !== null) process.env.MERGE_TEST_GIT_LOG = log;
  if (fail !== null) process.env.MERGE_TEST_GIT_FAIL = fail;
  return () => {
    for (const [key, value] of [['PATH', saved.PATH], ['MERGE_TEST_GIT_LOG', saved.log], ['MERGE_TEST_GIT_FAIL', saved.fail], ['MERGE_TEST_REAL_GIT', saved.real]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

/** The argv of every git call the wrapper logged. */
export function gitCalls(log: string): string[][] {
  return readFileSync(log, 'utf8').split('\x1e').filter(Boolean).map((call) => call.split('\x1f').slice(0, -1));
}
