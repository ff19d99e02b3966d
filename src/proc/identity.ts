// Who holds a lease (a job's, the merge lock's): `<host>/<boot>:<pid>.<start>:<nonce>`. The host
// part (hostname plus boot id) tells whether the owner ran on this machine since its last boot;
// only then can its PID be looked at. The start time (field 22 of /proc/<pid>/stat, clock ticks
// after boot) makes (pid, start) unique: a PID recycled by another process is not the owner. An
// owner written before the start time was recorded (`<host>:<pid>:<nonce>`) is judged by its PID.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { readStat } from './procfs.ts';

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().slice(0, 8);
  } catch {
    return 'noboot';
  }
}

/** This machine, this boot. */
export const HOST_KEY = `${hostname()}/${bootId()}`;

export interface Owner {
  readonly host: string;
  readonly pid: number;
  /** The owner process's start time (clock ticks after boot); null when not recorded. */
  readonly startTime: number | null;
  readonly nonce: string;
}

/** The start time of a live process, or null (no /proc, or it is gone). */
export function processStartTime(pid: number): number | null {
  return readStat(pid)?.startTime ?? null;
}

const SELF_START = processStartTime(process.pid);

/** `<host>/<boot>:<pid>.<start>` of this process (or `<pid>` alone where /proc is missing). */
export function selfKey(pid = process.pid): string {
  const start = pid === process.pid ? SELF_START : processStartTime(pid);
  return `${HOST_KEY}:${pid}${start === null ? '' : `.${start}`}`;
}

/** A new worker identity (one per worker run). */
export function newWorkerId(pid = process.pid): string {
  return `${selfKey(pid)}:${randomBytes(4).toString('hex')}`;
}

export function parseOwner(owner: string | null): Owner | null {
  if (owner === null) return null;
  const parts = owner.split(':');
  if (parts.length < 3) return null;
  const nonce = parts.pop() as string;
  const m = /^(\d+)(?:\.(\d+))?$/.exec(parts.pop() as string);
  if (!m || !/^[0-9a-f]+$/.test(nonce)) return null;
  const pid = Number(m[1]);
  const startTime = m[2] === undefined ? null : Number(m[2]);
  if (!Number.isSafeInteger(pid) || pid < 1 || (startTime !== null && !Number.isSafeInteger(startTime))) return null;
  return { host: parts.join(':'), pid, startTime, nonce };
}

export function isLocal(owner: Pick<Owner, 'host'>): boolean {
  return owner.host === HOST_KEY;
}

/** Whether a local PID is gone (or only a zombie): its owner can no longer heartbeat. */
export function pidIsDead(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return false;
  }
}

/**
 * Whether a LOCAL owner is dead: its PID is gone, a zombie, or now belongs to a process that
 * started at another time (the PID was recycled). Another host's owner is never judged here.
 */
export function ownerIsDead(owner: Pick<Owner, 'host' | 'pid' | 'startTime'>, isDead: (pid: number) => boolean = pidIsDead, startOf: (pid: number) => number | null = processStartTime): boolean {
  if (!isLocal(owner)) return false;
  if (isDead(owner.pid)) return true;
  if (owner.startTime === null) return false;
  const now = startOf(owner.pid);
  return now !== null && now !== owner.startTime;
}

/** Whether the holder a lease names (an owner string) is a LOCAL owner that is dead; an owner that does not parse is not judged dead. */
export function leaseOwnerIsDead(leaseOwner: string, isDead: (pid: number) => boolean = pidIsDead, startOf: (pid: number) => number | null = processStartTime): boolean {
  const owner = parseOwner(leaseOwner);
  return owner !== null && ownerIsDead(owner, isDead, startOf);
}

/** The environment variable every process of one claimed run carries; the reaper finds orphans by it. */
export function jobMarker(jobId: number, owner: string): { name: string; value: string } {
  const nonce = parseOwner(owner)?.nonce ?? 'x';
  // Not ORCH_: orch's config loader would take an ORCH_ variable for a (misspelled) key.
  return { name: `ORCHJOB_${jobId}_${nonce}`, value: '1' };
}
