// A stage's artifact belongs to one round. When a task (re-)enters a stage, an artifact left
// from an earlier round must not decide the new one, and must not be lost: it moves to history/.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/keys.ts';
import { artifactPath, taskDir } from '../config/task-paths.ts';
import { roleForStage, type Stage } from '../core/stages.ts';

/** Move the stage's artifact to `history/<tag>-<name>`; returns the new path, or null if there was none. */
export function archiveStageArtifact(config: Pick<Config, 'ORCH_HOME'>, taskId: number, stage: Stage, tag: string): string | null {
  const role = roleForStage(stage);
  if (!role) return null;
  const current = artifactPath(config, taskId, role.artifact);
  if (!existsSync(current)) return null;
  const dir = join(taskDir(config, taskId), 'history');
  mkdirSync(dir, { recursive: true });
  const target = join(dir, `${tag}-${role.artifact}`);
  renameSync(current, target);
  return target;
}
