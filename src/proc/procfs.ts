// Low-level reads of Linux /proc: the stat line of a process and whether its environment carries
// a marker. Every read tolerates the process vanishing between listing and reading.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** What /proc/<pid>/stat tells about one process; `startTime` makes (pid, startTime) unique. */
export interface ProcStat {
  readonly pid: number;
  readonly comm: string;
  /** R, S, D, T, t, Z, X, ...; Z and X are dead (only an entry waiting to be reaped). */
  readonly state: string;
  readonly ppid: number;
  readonly pgrp: number;
  readonly session: number;
  /** Field 22: clock ticks after boot at which the process started. */
  readonly startTime: number;
}

/** Whether this platform has a readable /proc with per-process stat files (Linux). */
export function procfsAvailable(): boolean {
  return process.platform === 'linux' && existsSync('/proc/self/stat');
}

/**
 * Parse one stat line. The command name sits in parentheses and may itself contain spaces and
 * parentheses, so the fields after it are counted from the LAST closing parenthesis.
 */
export function parseStat(line: string): ProcStat | null {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(line.slice(0, open).trim());
  // After ") ": field 3 (state) is rest[0], so field N is rest[N - 3].
  const rest = line.slice(close + 2).split(' ');
  const state = rest[0];
  const nums = [rest[1], rest[2], rest[3], rest[19]].map((v) => Number(v));
  const [ppid, pgrp, session, startTime] = nums as [number, number, number, number];
  if (!Number.isInteger(pid) || state === undefined || nums.some((n) => !Number.isInteger(n))) return null;
  return { pid, comm: line.slice(open + 1, close), state, ppid, pgrp, session, startTime };
}

/** The stat of one process, or null when it no longer exists (or cannot be read). */
export function readStat(pid: number): ProcStat | null {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return null;
  }
}

/** Every process visible in /proc right now (threads are not listed, only thread-group leaders). */
export function listProcesses(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    const code = name.charCodeAt(0);
    if (code < 48 || code > 57) continue;
    const stat = readStat(Number(name));
    if (stat !== null) out.push(stat);
  }
  return out;
}

/** Dead but not yet reaped: no code runs, nothing to signal. */
export function isDead(stat: ProcStat): boolean {
  return stat.state === 'Z' || stat.state === 'X' || stat.state === 'x';
}

/**
 * Whether the process's initial environment holds exactly `entry` (`NAME=value`). Unreadable
 * environments (another user's process, a zombie) count as not holding it.
 */
export function environHas(pid: number, entry: Buffer): boolean {
  let env: Buffer;
  try {
    env = readFileSync(`/proc/${pid}/environ`);
  } catch {
    return false;
  }
  let at = env.indexOf(entry);
  while (at >= 0) {
    const startsEntry = at === 0 || env[at - 1] === 0;
    const endsEntry = at + entry.length === env.length || env[at + entry.length] === 0;
    if (startsEntry && endsEntry) return true;
    at = env.indexOf(entry, at + 1);
  }
  return false;
}
