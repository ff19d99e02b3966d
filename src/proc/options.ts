// Options of runInGroup, normalised once: defaults applied, each value checked with a message
// naming the option, the value and what is allowed, and the result frozen.
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InvalidInputError } from '../errors.ts';
import { procfsAvailable } from './procfs.ts';

export const STDIO_MODES = ['log', 'inherit'] as const;
export type StdioMode = (typeof STDIO_MODES)[number];

export interface RunOptions {
  /** The program (looked up on PATH); never run through a shell. */
  file: string;
  args?: readonly string[];
  /** @default process.cwd() */
  cwd?: string;
  /** Variables added to the parent's environment (or replacing it, see `extendEnv`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** @default true */
  extendEnv?: boolean;
  /** Written to the child's stdin, which is then closed. Without it stdin is /dev/null (or inherited). */
  input?: string;
  /** Kill the tree this long after the start; 0 or undefined: no timeout. */
  timeoutMs?: number;
  /** Between SIGTERM and SIGKILL. @default 5000 (ORCH_KILL_GRACE_S) */
  graceMs?: number;
  /** Aborting it kills the tree; the outcome is 'cancelled'. */
  signal?: AbortSignal;
  /** Folder for `<stamp>-<runId>.stdout.log` and `.stderr.log`. @default <tmpdir>/orch-runs */
  logDir?: string;
  /** Exact stdout log (appended to); stderr goes beside it as `<name>.stderr.log`. */
  logPath?: string;
  /** 'log': output to the log files, tails in the result. 'inherit': orch's own stdio, no logs. @default 'log' */
  stdio?: StdioMode;
  /** Bytes of each stream kept in the result. @default 65536 */
  tailBytes?: number;
  /** false: plain execa with a timeout (ORCH_SUBPROCESS_TREE_KILL_ENABLED=false). @default true */
  treeKill?: boolean;
  /** Told once the command has started, so a caller can record the group (the worker's reaper kills it). Errors it throws are ignored. */
  onSpawn?: (info: SpawnInfo) => void;
}

/** The started command: the root of its process group and session, and the run's marker. */
export interface SpawnInfo {
  readonly pid: number;
  /** /proc start time of the root (0 without /proc): (pid, startTime) names the process for good. */
  readonly startTime: number;
  readonly runId: string;
  /** Where its stdout goes (null when not logged to a file). */
  readonly logPath?: string | null;
  /** The program and its arguments, joined with spaces, for progress lines. */
  readonly command?: string;
}

export interface ResolvedRunOptions {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly extendEnv: boolean;
  readonly input: string | null;
  readonly timeoutMs: number;
  readonly graceMs: number;
  readonly signal: AbortSignal | null;
  readonly logDir: string;
  readonly logPath: string | null;
  readonly stdio: StdioMode;
  readonly tailBytes: number;
  /** Asked for AND possible here: Linux with /proc. Elsewhere the plain fallback runs. */
  readonly treeKill: boolean;
  readonly onSpawn: ((info: SpawnInfo) => void) | null;
}

export const DEFAULT_GRACE_MS = 5_000;
export const DEFAULT_TAIL_BYTES = 64 * 1024;
const MAX_TAIL_BYTES = 16 * 1024 * 1024;
/** Node timers cannot wait longer than this (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

function bad(option: string, value: unknown, allowed: string): InvalidInputError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return new InvalidInputError(`runInGroup option ${option}=${shown} is invalid: ${allowed}`);
}

function milliseconds(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_TIMER_MS) {
    throw bad(option, value, `a number of milliseconds from 0 to ${MAX_TIMER_MS}`);
  }
  return Math.round(value);
}

function directory(option: string, value: string): string {
  const path = resolve(value);
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw bad(option, value, 'an existing directory');
  return path;
}

/** Copy, default, validate and freeze; throws InvalidInputError naming the bad option. */
export function normalizeRunOptions(options: RunOptions): ResolvedRunOptions {
  if (typeof options.file !== 'string' || options.file.length === 0) throw bad('file', options.file, 'a non-empty string');
  const args = options.args ?? [];
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) throw bad('args', args, 'an array of strings');
  if (options.input !== undefined && typeof options.input !== 'string') throw bad('input', options.input, 'a string');
  if (options.onSpawn !== undefined && typeof options.onSpawn !== 'function') throw bad('onSpawn', options.onSpawn, 'a function');
  const stdio = options.stdio ?? 'log';
  if (!STDIO_MODES.includes(stdio)) throw bad('stdio', stdio, `one of ${STDIO_MODES.join(', ')}`);
  if (options.logDir !== undefined && options.logPath !== undefined) {
    throw bad('logPath', options.logPath, 'either logDir or logPath, not both');
  }
  const tailBytes = options.tailBytes ?? DEFAULT_TAIL_BYTES;
  if (!Number.isInteger(tailBytes) || tailBytes < 0 || tailBytes > MAX_TAIL_BYTES) {
    throw bad('tailBytes', tailBytes, `a whole number of bytes from 0 to ${MAX_TAIL_BYTES}`);
  }
  return Object.freeze({
    file: options.file,
    args: Object.freeze([...args]),
    cwd: directory('cwd', options.cwd ?? process.cwd()),
    env: Object.freeze({ ...options.env }),
    extendEnv: options.extendEnv ?? true,
    input: options.input ?? null,
    timeoutMs: milliseconds('timeoutMs', options.timeoutMs, 0),
    graceMs: milliseconds('graceMs', options.graceMs, DEFAULT_GRACE_MS),
    signal: options.signal ?? null,
    logDir: resolve(options.logDir ?? join(tmpdir(), 'orch-runs')),
    logPath: options.logPath === undefined ? null : resolve(options.logPath),
    stdio,
    tailBytes,
    treeKill: (options.treeKill ?? true) && procfsAvailable(),
    onSpawn: options.onSpawn ?? null,
  });
}
