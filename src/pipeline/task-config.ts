// Flags stay with the task (issue 13.9): `orch stage --suite/--timeout` are recorded on the task
// (tasks.suite_cmd, tasks.timeout_s), and whoever runs its jobs or its gate later (a worker, the
// next `orch stage`, `orch advance`) runs them with the same suite and timeout.
import type { Config } from '../config/keys.ts';
import type { Task } from '../store/schema.ts';

/** `config` with the task's recorded suite and timeout in force (unchanged when none is recorded). */
export function configForTask(config: Config, task: Pick<Task, 'suite_cmd' | 'timeout_s'>): Config {
  if ((task.suite_cmd ?? null) === null && (task.timeout_s ?? null) === null) return config;
  return Object.freeze({
    ...config,
    ...(task.suite_cmd ? { ORCH_STAGING_SUITE_CMD: task.suite_cmd } : {}),
    ...(task.timeout_s ? { ORCH_STAGING_RUNNER_TIMEOUT_S: task.timeout_s, ORCH_MERGE_RETEST_TIMEOUT_S: task.timeout_s } : {}),
  });
}
