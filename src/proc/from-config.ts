// The runner options that come from configuration, so every caller honours the same keys.
import type { Config } from '../config/keys.ts';
import type { RunOptions } from './options.ts';

/** `graceMs` from ORCH_KILL_GRACE_S and `treeKill` from ORCH_SUBPROCESS_TREE_KILL_ENABLED. */
export function procOptionsFromConfig(config: Config): Required<Pick<RunOptions, 'graceMs' | 'treeKill'>> {
  return {
    graceMs: Math.round(config.ORCH_KILL_GRACE_S * 1000),
    treeKill: config.ORCH_SUBPROCESS_TREE_KILL_ENABLED,
  };
}
