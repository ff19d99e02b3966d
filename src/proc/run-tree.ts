// The tree-kill runner: spawn in a new session, wait for the exit, the deadline or a cancel, then
// kill whatever of the run is still alive (after a normal exit too: leftovers are orphans).
import { killTree, killTreeNow } from './kill-tree.ts';
import type { LogPair } from './log-files.ts';
import type { RunMarker } from './marker.ts';
import type { ResolvedRunOptions } from './options.ts';
import { trackRun } from './registry.ts';
import type { Outcome, RunError } from '../core/run-outcome.ts';
import { spawnCommand, type Exit } from './spawn.ts';
import { deferred, within } from './wait.ts';

/** What a runner found out; run-in-group adds the output tails, timing and identity. */
export interface RunCore {
  readonly outcome: Outcome;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly pid: number | null;
  readonly killed: number;
  readonly survivors: number | null;
  readonly error: RunError | null;
}

export const NOT_STARTED = { exitCode: null, signal: null, pid: null, killed: 0, survivors: 0 } as const;

/** Once the tree is dead the root's exit arrives within milliseconds; a survivor root never will. */
const EXIT_WAIT_MS = 1_000;
/** execa's promise may still be writing `input` to a pipe nobody reads; it gets this long. */
const DRAIN_MS = 100;

export async function runTree(opts: ResolvedRunOptions, marker: RunMarker, logs: LogPair | null): Promise<RunCore> {
  if (opts.signal?.aborted) return { ...NOT_STARTED, outcome: 'cancelled', error: null };
  const attempt = await spawnCommand(opts, {
    detached: true,
    marker,
    stdout: logs?.stdout.fd ?? 'inherit',
    stderr: logs?.stderr.fd ?? 'inherit',
  }).finally(() => logs?.close());
  if (!attempt.ok) return { ...NOT_STARTED, outcome: 'spawn-error', survivors: 0, error: attempt.error };

  const { spawned } = attempt;
  const target = { rootPid: spawned.pid, rootStartTime: spawned.startTime, marker: marker.entry };
  const state: { exit: Exit | null; stop: 'timeout' | 'cancelled' | null } = { exit: null, stop: null };
  const wake = deferred();
  const finished = deferred();
  void spawned.exited.then((exit) => {
    state.exit = exit;
    wake.resolve();
  });
  const stop = (reason: 'timeout' | 'cancelled') => () => {
    if (state.exit === null && state.stop === null) state.stop = reason;
    wake.resolve();
  };
  const onAbort = stop('cancelled');
  const timer = opts.timeoutMs > 0 ? setTimeout(stop('timeout'), opts.timeoutMs) : undefined;
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  // An abort while the spawn was being awaited has already fired its event: honour it now.
  if (opts.signal?.aborted) onAbort();
  const untrack = trackRun({ cancel: onAbort, killNow: () => killTreeNow(target), finished: finished.promise });
  try {
    await wake.promise;
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    const report = await killTree(target, { graceMs: opts.graceMs });
    const exit = state.exit ?? (await within(spawned.exited, EXIT_WAIT_MS));
    await within(spawned.settled, DRAIN_MS);
    spawned.destroyStdio();
    const outcome: Outcome = state.stop ?? (exit?.signal != null ? 'signaled' : 'exited');
    return {
      outcome,
      exitCode: exit?.exitCode ?? null,
      signal: exit?.signal ?? null,
      pid: spawned.pid,
      killed: report.killed,
      survivors: report.survivors,
      error: null,
    };
  } catch (error) {
    // A runner bug must not leave the tree behind; the original error is the one to report.
    try {
      killTreeNow(target);
    } catch {
      // Nothing more can be done from here.
    }
    throw error;
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    untrack();
    finished.resolve();
  }
}
