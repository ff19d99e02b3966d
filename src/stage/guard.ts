// `orch stage` run inside a suite that `orch stage` runs would stage again, forever (in orch's own
// repository the default suite is npm test). The outer run marks its environment; the staged
// suite inherits the mark and a nested `orch stage` refuses. Not an ORCH_ name: the staging
// runner strips ORCH_* keys from the suite's environment, and the config loader would take an
// ORCH_ name for a misspelled key.
import { InvalidInputError } from '../errors.ts';

export const NESTED_MARK = 'ORCHSTAGE_PARENT_PID';

/** Refuse when this process runs inside a suite that an `orch stage` is running. */
export function refuseNested(env: NodeJS.ProcessEnv = process.env): void {
  const parent = env[NESTED_MARK];
  if (parent !== undefined && parent !== '') {
    throw new InvalidInputError(`refusing to stage from inside a suite that orch stage (pid ${parent}) is running: it would stage itself forever (${NESTED_MARK} is set)`);
  }
}

/** Mark this process (and every suite it runs) as inside `orch stage`. */
export function markNested(env: NodeJS.ProcessEnv = process.env): void {
  env[NESTED_MARK] = String(process.pid);
}
