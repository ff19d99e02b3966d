// Is the task's repository orch's own? Then deploying it must not restart the orchestrator that
// is running the deploy (it would kill its own worker mid-job): the restart is left to a person.
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../config/keys.ts';
import { runGit } from '../git/run.ts';
import { ORCH_ROOT } from '../launcher/prompt.ts';

async function commonDir(dir: string): Promise<string | null> {
  const result = await runGit(dir, ['rev-parse', '--path-format=absolute', '--git-common-dir']);
  if (result.exitCode !== 0 || result.stdout === '') return null;
  try {
    return realpathSync(result.stdout);
  } catch {
    return null;
  }
}

/**
 * A path's git common dir, asked of git once per path and process: orch's own repository does
 * not move while orch runs, nor does a task's (a deploy job per task would otherwise cost a git
 * process each). Only answers are kept; a path git could not answer for is asked again next time.
 */
const commonDirs = new Map<string, Promise<string | null>>();
function cachedCommonDir(dir: string): Promise<string | null> {
  let pending = commonDirs.get(dir);
  if (!pending) {
    pending = commonDir(dir);
    commonDirs.set(dir, pending);
    void pending.then((answer) => {
      if (answer === null) commonDirs.delete(dir);
    });
  }
  return pending;
}

/** Same repository as ORCH_SELF_REPO (default: orch's own checkout), worktrees included. */
export async function isSelfRepo(config: Pick<Config, 'ORCH_SELF_REPO'>, repo: string): Promise<boolean> {
  const self = config.ORCH_SELF_REPO === '' ? ORCH_ROOT : resolve(config.ORCH_SELF_REPO);
  const [a, b] = await Promise.all([cachedCommonDir(self), cachedCommonDir(resolve(repo))]);
  if (a !== null && b !== null) return a === b;
  try {
    return realpathSync(self) === realpathSync(repo);
  } catch {
    return false;
  }
}
