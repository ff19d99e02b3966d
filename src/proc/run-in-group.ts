// runInGroup: the one way orch runs a suite or an agent. It never throws: bad options, a command
// that cannot start and internal failures all come back as a RunResult.
import { ERROR_CODES, errorMessage, isOrchError } from '../errors.ts';
import { logPathsFor, openLogs, type LogPair } from './log-files.ts';
import { newRunMarker } from './marker.ts';
import { normalizeRunOptions, type ResolvedRunOptions, type RunOptions } from './options.ts';
import { EMPTY_TAIL, readTail, type Tail } from './output-tail.ts';
import type { RunResult } from './result.ts';
import { runPlain } from './run-plain.ts';
import { NOT_STARTED, runTree, type RunCore } from './run-tree.ts';

/** `20250102T030405Z`: log names sort by start time. */
function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

function tailOf(path: string | undefined, offset: number, maxBytes: number): Tail {
  if (path === undefined) return EMPTY_TAIL;
  try {
    return readTail(path, offset, maxBytes);
  } catch {
    return EMPTY_TAIL;
  }
}

function failure(error: unknown, fallbackCode: string): RunCore {
  const code = isOrchError(error) ? error.code : ((error as NodeJS.ErrnoException)?.code ?? fallbackCode);
  return { ...NOT_STARTED, outcome: 'spawn-error', error: { code, message: errorMessage(error) } };
}

/** Run `options.file` with `options.args` in its own process group; see RunOptions. */
export async function runInGroup(options: RunOptions): Promise<RunResult>;
/** Run `command[0]` with the rest as arguments. */
export async function runInGroup(command: readonly string[], options?: Omit<RunOptions, 'file' | 'args'>): Promise<RunResult>;
export async function runInGroup(
  first: RunOptions | readonly string[],
  rest: Omit<RunOptions, 'file' | 'args'> = {},
): Promise<RunResult> {
  const started = new Date();
  const t0 = performance.now();
  const marker = newRunMarker();
  const raw: RunOptions = Array.isArray(first)
    ? { ...rest, file: first[0] as string, args: first.slice(1) }
    : (first as RunOptions);
  let opts: ResolvedRunOptions | null = null;
  let logs: LogPair | null = null;
  let core: RunCore;
  try {
    opts = normalizeRunOptions(raw);
    if (opts.stdio === 'log') logs = openLogs(logPathsFor(opts, `${stamp(started)}-${marker.runId}`));
    // Whoever watches the spawn (progress heartbeats) also learns the command and where its output goes.
    const watch = opts.onSpawn;
    if (watch !== null) {
      const logPath = logs?.stdout.path ?? null;
      const command = [opts.file, ...opts.args].join(' ');
      opts = { ...opts, onSpawn: (info) => watch({ ...info, logPath, command }) };
    }
    core = opts.treeKill ? await runTree(opts, marker, logs) : await runPlain(opts, marker, logs);
  } catch (error) {
    logs?.close();
    core = failure(error, ERROR_CODES.PROC_FAILED);
  }
  const tailBytes = opts?.tailBytes ?? 0;
  const stdout = tailOf(logs?.stdout.path, logs?.stdout.offset ?? 0, tailBytes);
  const stderr = tailOf(logs?.stderr.path, logs?.stderr.offset ?? 0, tailBytes);
  // Spec order (SPEC §5) first, then the additions.
  return Object.freeze({
    outcome: core.outcome,
    exitCode: core.exitCode,
    signal: core.signal,
    durationMs: Math.round(performance.now() - t0),
    stdoutTail: stdout.text,
    stderrTail: stderr.text,
    logPath: logs?.stdout.path ?? null,
    killed: core.killed,
    survivors: core.survivors,
    stderrLogPath: logs?.stderr.path ?? null,
    stdoutBytes: stdout.bytes,
    stderrBytes: stderr.bytes,
    pid: core.pid,
    runId: marker.runId,
    startedAt: started.toISOString(),
    treeKill: opts?.treeKill ?? false,
    command: Object.freeze([String(raw?.file), ...(Array.isArray(raw?.args) ? raw.args.map(String) : [])]),
    error: core.error,
  });
}
