// A task waiting on deploy-staging, with a real store, a real temp repo and the fake agent as the
// LLM deployer: `run()` claims the deploy-staging job and runs it through launchJob, exactly as
// the worker does (the reserved agent, the finish handler, advance()); `stage()` runs only the
// suite part in a worktree made by hand (for states launchJob's worktree preparation never leaves).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { quote } from 'shell-quote';
import type { Config } from '../../src/config/keys.ts';
import { launchJob, type LaunchResult } from '../../src/launcher/launch.ts';
import { artifactPath, worktreePath } from '../../src/config/task-paths.ts';
import { latestJobForStage } from '../../src/store/repos/jobs.ts';
import { claimNextJob } from '../../src/store/repos/job-queue.ts';
import { getTask } from '../../src/store/repos/tasks.ts';
import type { Job, Task } from '../../src/store/schema.ts';
import { stageSuite } from '../../src/staging/runner.ts';
import type { StagingOutcome } from '../../src/staging/types.ts';
import { newWorkerId } from '../../src/proc/identity.ts';
import { HAPPY, MARKER_NAME, makeAgentEnv, type AgentEnv, type Scenario } from '../helpers/agents.ts';
import type { TempRepo } from '../helpers/git-repo.ts';
import { scaled } from '../helpers/time.ts';

export const SUITES = resolve(import.meta.dirname, '../../fixtures/suites');

/** ORCH_STAGING_SUITE_CMD for a fixture suite and its arguments. */
export function suite(name: string, ...args: string[]): string {
  return quote([join(SUITES, name), ...args]);
}

/**
 * The runner enabled (the agents' FAST_ENV disables it), 0.2 s kill grace, no backoff, and a
 * generous suite timeout (a passing suite, such as the sample's own `npm test`, must never hit it
 * on a loaded machine; the tests of a hanging suite set a short one of their own).
 */
export const FAST_ENV = Object.freeze({
  ORCH_STAGING_RUNNER_ENABLED: 'true',
  ORCH_STAGING_RUNNER_TIMEOUT_S: String(scaled(20_000) / 1000),
  ORCH_KILL_GRACE_S: '0.2',
  ORCH_STAGING_RUNNER_RETRY_BACKOFF_S: '0',
});

/** The runner's outcome as recorded with the run, and launchJob's result. */
export type Ran = (StagingOutcome | { kind: 'cancelled' | 'no-staging' }) & { launch: LaunchResult };

export interface StagingEnv extends AgentEnv {
  readonly taskId: number;
  readonly worktree: string;
  task(): Promise<Task>;
  /** The newest deploy-staging job. */
  job(): Promise<Job>;
  /** Claim the next job and run it through launchJob, as the worker does. */
  run(extra?: { signal?: AbortSignal; config?: Config; onClaimed?: (job: Job) => Promise<void> }): Promise<Ran>;
  /** Only the suite and its artifact (stageSuite), in a worktree made here at the branch tip. */
  stage(): Promise<StagingOutcome>;
  artifact(): string | null;
}

/** Whether `pid` is a living process (a zombie is dead, only not yet reaped by its parent). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X' && state !== 'x';
  } catch {
    return false;
  }
}

/** A fresh home and store, a task added on deploy-staging; the fake agent stands for the LLM deployer. */
export async function makeStagingEnv(repo: TempRepo, env: Record<string, string> = {}, scenario: Scenario = HAPPY): Promise<StagingEnv> {
  const e = await makeAgentEnv({ repo, scenario, env: { ...FAST_ENV, ...env } });
  const taskId = await e.add({ stage: 'deploy-staging' });
  const worktree = worktreePath(e.config, taskId);
  const task = () => getTask(e.store.db, taskId);
  const job = async () => (await latestJobForStage(e.store.db, taskId, 'deploy-staging')) as Job;
  const owner = newWorkerId();
  let handMade = false;
  return {
    ...e,
    taskId,
    worktree,
    task,
    job,
    run: async (extra = {}) => {
      const now = Date.now();
      const claimed = await claimNextJob(e.store, { owner, now: new Date(now).toISOString(), leaseUntil: new Date(now + 60_000).toISOString() });
      if (!claimed) throw new Error('nothing to claim');
      await extra.onClaimed?.(claimed);
      const signal = extra.signal ?? new AbortController().signal;
      const launch = await launchJob({ store: e.store, config: extra.config ?? e.config, owner, signal, marker: { [MARKER_NAME]: e.marker } }, claimed);
      const staging = launch.kind === 'finished' ? (launch.report.detail?.staging as StagingOutcome | undefined) : undefined;
      return { ...(staging ?? { kind: launch.kind === 'cancelled' ? 'cancelled' : 'no-staging' }), launch } as Ran;
    },
    stage: async () => {
      if (!handMade) await repo.git('worktree', 'add', '--quiet', '--detach', worktree, repo.branch);
      handMade = true;
      return (await stageSuite({ config: e.config }, { task: await task(), job: await job(), worktree })).outcome;
    },
    artifact: () => {
      const path = artifactPath(e.config, taskId, '15-staging-log.md');
      return existsSync(path) ? readFileSync(path, 'utf8') : null;
    },
    cleanup: async () => {
      await repo.git('worktree', 'remove', '--force', worktree).catch(() => undefined);
      await e.cleanup();
    },
  };
}
