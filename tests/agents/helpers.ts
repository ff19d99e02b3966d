// A RunContext for calling a reserved agent directly: a task on `stage`, its queued job, and its
// worktree made the way the launcher makes it.
import type { Config } from '../../src/config/keys.ts';
import type { RunContext } from '../../src/launcher/types.ts';
import { taskDir } from '../../src/config/task-paths.ts';
import { procOptionsFromConfig } from '../../src/proc/index.ts';
import { jobsForTask } from '../../src/store/repos/jobs.ts';
import { getTask } from '../../src/store/repos/tasks.ts';
import { prepareWorktree } from '../../src/worktree/prepare.ts';
import type { PipelineEnv } from '../helpers/pipeline.ts';

export async function reservedContext(e: PipelineEnv, stage: string, config: Partial<Config> = {}, branch?: string): Promise<RunContext> {
  const id = await e.add({ stage, ...(branch ? { branch } : {}) });
  const full = { ...e.config, ...config } as Config;
  const task = await getTask(e.store.db, id);
  const job = (await jobsForTask(e.store.db, id))[0];
  if (!job) throw new Error('no job');
  const worktree = await prepareWorktree(full, task, job.id);
  const signal = new AbortController().signal;
  return { store: e.store, config: full, task, job, worktree: worktree.path, tip: worktree.tip, taskDir: taskDir(full, id), signal, proc: { ...procOptionsFromConfig(full), env: {}, signal, onSpawn: () => undefined } };
}
