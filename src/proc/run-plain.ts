// The fallback when the tree kill is switched off (ORCH_SUBPROCESS_TREE_KILL_ENABLED=false) or
// impossible (no /proc): plain execa with its own timeout, which signals only the main process.
// Same result shape; on Linux the survivors it leaves behind are still counted, not killed.
import { collectRun } from './collect.ts';
import type { LogPair } from './log-files.ts';
import type { RunMarker } from './marker.ts';
import type { ResolvedRunOptions } from './options.ts';
import { procfsAvailable } from './procfs.ts';
import { trackRun } from './registry.ts';
import type { Outcome } from '../core/run-outcome.ts';
import { NOT_STARTED, type RunCore } from './run-tree.ts';
import { spawnCommand } from './spawn.ts';
import { deferred } from './wait.ts';

/** The fields of execa's result this runner reads. */
interface ExecaEnd {
  exitCode?: number;
  signal?: NodeJS.Signals;
  timedOut?: boolean;
  isCanceled?: boolean;
  isTerminated?: boolean;
}

export async function runPlain(opts: ResolvedRunOptions, marker: RunMarker, logs: LogPair | null): Promise<RunCore> {
  if (opts.signal?.aborted) return { ...NOT_STARTED, outcome: 'cancelled', error: null };
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const attempt = await spawnCommand(opts, {
      detached: false,
      marker,
      stdout: logs?.stdout.fd ?? 'inherit',
      stderr: logs?.stderr.fd ?? 'inherit',
      execaKill: {
        ...(opts.timeoutMs > 0 ? { timeout: opts.timeoutMs } : {}),
        cancelSignal: controller.signal,
        forceKillAfterDelay: opts.graceMs,
      },
    }).finally(() => logs?.close());
    if (!attempt.ok) return { ...NOT_STARTED, outcome: 'spawn-error', error: attempt.error };
    const { spawned } = attempt;
    const finished = deferred();
    const untrack = trackRun({
      cancel: onAbort,
      killNow: () => {
        try {
          process.kill(spawned.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      },
      finished: finished.promise,
    });
    try {
      const end = (await spawned.settled) as ExecaEnd;
      const outcome: Outcome = end.timedOut
        ? 'timeout'
        : end.isCanceled
          ? 'cancelled'
          : end.signal !== undefined
            ? 'signaled'
            : 'exited';
      const target = { rootPid: spawned.pid, rootStartTime: spawned.startTime, marker: marker.entry };
      return {
        outcome,
        exitCode: end.exitCode ?? null,
        signal: end.signal ?? null,
        pid: spawned.pid,
        killed: (end.timedOut || end.isCanceled) && end.isTerminated ? 1 : 0,
        survivors: procfsAvailable() ? collectRun(target).length : null,
        error: null,
      };
    } finally {
      untrack();
      finished.resolve();
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
