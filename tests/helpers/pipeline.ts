// A temp ORCH_HOME with a real store and a real temp git repo, for pipeline and CLI tests.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Config } from '../../src/config/keys.ts';
import { loadConfig } from '../../src/config/load.ts';
import { addTask, type AddTaskInput } from '../../src/pipeline/add-task.ts';
import { artifactPath } from '../../src/config/task-paths.ts';
import { openStore } from '../../src/store/db.ts';
import type { Store } from '../../src/store/db.ts';
import { finishJob, pendingJobsForTask } from '../../src/store/repos/jobs.ts';
import type { Database } from '../../src/store/schema.ts';
import { makeTempRepo, type TempRepo, type TempRepoOptions } from './git-repo.ts';
import { countRows, makeTestStoreLocation } from './store.ts';

export interface PipelineEnv {
  readonly home: string;
  readonly config: Config;
  readonly store: Store;
  readonly repo: TempRepo;
  add(input?: Partial<AddTaskInput>): Promise<number>;
  /** Write a stage artifact into the task folder. */
  write(taskId: number, file: string, text: string): string;
  /** Mark every pending job of the task succeeded, as a worker would after the agent ran. */
  finishJobs(taskId: number): Promise<void>;
  count(table: keyof Database): Promise<number>;
  cleanup(): Promise<void>;
}

/** A fresh ORCH_HOME and store; the repo is made from `options`, or `options.repo` is shared (and not removed). */
export async function makePipelineEnv(options: TempRepoOptions & { env?: Record<string, string>; repo?: TempRepo } = {}): Promise<PipelineEnv> {
  const home = mkdtempSync(join(tmpdir(), 'orch-home-'));
  // The test's backend decides where the store lives, unless the test names a database itself.
  const location = await makeTestStoreLocation();
  const databaseUrl = options.env?.ORCH_DATABASE_URL ?? location.databaseUrl;
  const config = loadConfig({ env: { ORCH_HOME: home, ORCH_DATABASE_URL: databaseUrl, ...options.env }, envFile: false });
  const store = await openStore(config);
  const repo = options.repo ?? (await makeTempRepo(options));
  return {
    home,
    config,
    store,
    repo,
    add: async (input = {}) => (await addTask({ store, config }, { repo: repo.dir, branch: repo.branch, title: 'A change', ...input })).task.id,
    write: (taskId, file, text) => {
      const path = artifactPath(config, taskId, file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      return path;
    },
    finishJobs: async (taskId) => {
      for (const job of await pendingJobsForTask(store.db, taskId)) await finishJob(store.db, job.id, 'succeeded', 'test');
    },
    count: (table) => countRows(store, table),
    cleanup: async () => {
      await store.close();
      await location.drop();
      if (!options.repo) repo.cleanup();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
