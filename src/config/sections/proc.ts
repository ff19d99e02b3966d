// Keys of the process-group runner (src/proc): how long a tree gets between SIGTERM and SIGKILL,
// and the kill-switch back to plain execa with a timeout.
import { bool, seconds } from '../define.ts';

export const procKeys = {
  ORCH_KILL_GRACE_S: seconds({
    default: '5',
    doc: 'Seconds between SIGTERM and SIGKILL when orch kills a process tree (timeout, cancel, leftovers).',
    max: 600,
  }),
  ORCH_SUBPROCESS_TREE_KILL_ENABLED: bool({
    default: 'true',
    doc: 'Run suites and agents in their own process group and kill the whole tree; false = plain execa with a timeout.',
  }),
} as const;
