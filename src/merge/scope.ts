// Options for every merge-gate run inside one call, without threading them through advance()
// and the launcher: `orch stage` without --merge runs the worker's own path (finish handler,
// advance(), the gate registry) with `merge: false`, so the gate stops before moving the base.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { MergeGateOptions } from './options.ts';

const scope = new AsyncLocalStorage<MergeGateOptions>();

/** Run `fn` with these merge-gate options in force for every gate run it causes. */
export function withMergeGateOptions<T>(options: MergeGateOptions, fn: () => Promise<T>): Promise<T> {
  return scope.run(Object.freeze({ ...options }), fn);
}

/** The options in force here (none outside withMergeGateOptions). */
export function mergeGateOptionsInScope(): MergeGateOptions {
  return scope.getStore() ?? {};
}
