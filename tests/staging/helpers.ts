// A task waiting on deploy-staging, with a real store, a real temp repo and a real detached git
// worktree at the task branch's tip, as the launcher prepares it; and the fixture suites.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { quote } from 'shell-quote';
import { artifactPath, worktreePath } from '../../src/pipeline/paths.ts';
import { latestJobForStage } from '../../src/store/repos/jobs.ts';
import { getTask } from '../../src/store/repos/tasks.ts';
import type { Job, Task } from '../../src/store/schema.ts';
import { resolveStagingOptions, type ResolvedStagingOptions } from '../../src/staging/options.ts';
import { runStagingJob, type StagingOutcome } from '../../src/staging/runner.ts';
import type { TempRepo } from '../helpers/git-repo.ts';
import { makePipelineEnv, type PipelineEnv } from '../helpers/pipeline.ts';

export const SUITES = resolve(import.meta.dirname, '../../fixtures/suites');

/** ORCH_STAGING_SUITE_CMD for a fixture suite and its arguments. */
export function suite(name: string, ...args: string[]): string {
  return quote([join(SUITES, name), ...args]);
}

/** Fast settings for tests: a 1 s suite timeout, 0.2 s kill grace, no backoff. */
export const FAST_ENV = Object.freeze({
  ORCH_STAGING_RUNNER_TIMEOUT_S: '1',
  ORCH_KILL_GRACE_S: '0.2',
  ORCH_STAGING_RUNNER_RETRY_BACKOFF_S: '0',
});

export interface StagingEnv extends PipelineEnv {
  readonly taskId: number;
  readonly worktree: string;
  readonly options: ResolvedStagingOptions;
  task(): Promise<Task>;
  /** The newest deploy-staging job. */
  job(): Promise<Job>;
  /** Run the staging runner on the newest deploy-staging job, as launchJob would. */
  run(extra?: { env?: NodeJS.ProcessEnv; signal?: AbortSignal }): Promise<StagingOutcome>;
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

/** A fresh home and store, a task added on deploy-staging, and its worktree. */
export async function makeStagingEnv(repo: TempRepo, env: Record<string, string> = {}): Promise<StagingEnv> {
  const e = await makePipelineEnv({ repo, env: { ...FAST_ENV, ...env } });
  const taskId = await e.add({ stage: 'deploy-staging' });
  const worktree = worktreePath(e.config, taskId);
  await repo.git('worktree', 'add', '--quiet', '--detach', worktree, repo.branch);
  const options = resolveStagingOptions(e.config);
  const task = () => getTask(e.store.db, taskId);
  const job = async () => (await latestJobForStage(e.store.db, taskId, 'deploy-staging')) as Job;
  return {
    ...e,
    taskId,
    worktree,
    options,
    task,
    job,
    run: async (extra = {}) => runStagingJob({ store: e.store, config: e.config, options, env: extra.env }, { task: await task(), job: await job(), worktree, signal: extra.signal }),
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
