// Starting the command with execa: in a new session (so its process group is its own), with the
// run's marker in its environment and the log files' descriptors as stdout/stderr. Completion is
// the child's 'exit' event, never the end of a stream.
import { execa, type Result } from 'execa';
import type { RunMarker } from './marker.ts';
import { readStat } from './procfs.ts';
import type { ResolvedRunOptions } from './options.ts';
import type { RunError } from '../core/run-outcome.ts';

export interface Exit {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface Spawned {
  readonly pid: number;
  /** Read before orch can have reaped the child, so it is the child's own (0 without /proc). */
  readonly startTime: number;
  /** Resolves on the child's 'exit' event. */
  readonly exited: Promise<Exit>;
  /** execa's own promise; awaited only briefly, it may wait on a stdin pipe. */
  readonly settled: Promise<unknown>;
  /** Drop the stdin pipe (if any) so nothing of the run is left open in orch. */
  destroyStdio(): void;
}

export type SpawnAttempt = { ok: true; spawned: Spawned } | { ok: false; error: RunError };

export interface SpawnOptions {
  readonly detached: boolean;
  readonly marker: RunMarker;
  readonly stdout: number | 'inherit';
  readonly stderr: number | 'inherit';
  /** Only for the plain fallback: execa's own timeout and cancellation. */
  readonly execaKill?: { timeout?: number; cancelSignal?: AbortSignal; forceKillAfterDelay: number };
}

/**
 * A file descriptor goes straight to the child (execa hands integers to child_process natively);
 * execa's types only list 3-9, so the number is widened here. `{file}` would not do: execa would
 * open it in the parent and pipe the output through orch.
 */
function fdOption(value: number | 'inherit'): 'inherit' | 3 {
  return value as 'inherit' | 3;
}

function execaOptions(opts: ResolvedRunOptions, so: SpawnOptions) {
  return {
    cwd: opts.cwd,
    env: { ...opts.env, [so.marker.name]: so.marker.value },
    extendEnv: opts.extendEnv,
    detached: so.detached,
    ...(opts.input === null ? { stdin: opts.stdio === 'inherit' ? ('inherit' as const) : ('ignore' as const) } : { input: opts.input }),
    stdout: fdOption(so.stdout),
    stderr: fdOption(so.stderr),
    reject: false,
    buffer: false,
    cleanup: !so.detached,
    windowsHide: true,
    ...(so.execaKill === undefined ? {} : { killSignal: 'SIGTERM' as const, ...so.execaKill }),
  };
}

/** Spawn the command; a command that cannot start comes back as an error, never as a throw. */
export async function spawnCommand(opts: ResolvedRunOptions, so: SpawnOptions): Promise<SpawnAttempt> {
  const subprocess = execa(opts.file, [...opts.args], execaOptions(opts, so));
  // reject: false already turns failures into results; the second handler only guards the promise.
  const settled: Promise<Result | unknown> = subprocess.then(
    (r) => r,
    (e: unknown) => e,
  );
  const pid = subprocess.pid;
  if (pid === undefined) {
    const failure = (await settled) as { code?: unknown; originalMessage?: unknown; message?: unknown };
    const code = typeof failure.code === 'string' ? failure.code : 'ESPAWN';
    const message = String(failure.originalMessage ?? failure.message ?? 'the command could not be started');
    return { ok: false, error: { code, message } };
  }
  const exited = new Promise<Exit>((resolve) => {
    subprocess.once('exit', (exitCode, signal) => resolve({ exitCode, signal }));
  });
  const startTime = readStat(pid)?.startTime ?? 0;
  try {
    opts.onSpawn?.({ pid, startTime, runId: so.marker.runId });
  } catch {
    // The caller's bookkeeping must never break the run.
  }
  return {
    ok: true,
    spawned: {
      pid,
      startTime,
      exited,
      settled,
      destroyStdio: () => subprocess.stdin?.destroy(),
    },
  };
}
