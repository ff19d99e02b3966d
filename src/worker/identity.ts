// Who holds a lease: `<host>/<boot>:<pid>:<nonce>`. The host part (hostname plus boot id) tells
// the reaper whether the owner ran on this machine since its last boot; only then can it look at
// the owner's PID, and kill the job's process group itself.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

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
  readonly nonce: string;
}

/** A new worker identity (one per worker run). */
export function newWorkerId(pid = process.pid): string {
  return `${HOST_KEY}:${pid}:${randomBytes(4).toString('hex')}`;
}

export function parseOwner(owner: string | null): Owner | null {
  if (owner === null) return null;
  const parts = owner.split(':');
  if (parts.length < 3) return null;
  const nonce = parts.pop() as string;
  const pid = Number(parts.pop());
  if (!Number.isSafeInteger(pid) || pid < 1 || !/^[0-9a-f]+$/.test(nonce)) return null;
  return { host: parts.join(':'), pid, nonce };
}

export function isLocal(owner: Owner): boolean {
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

/** The environment variable every process of one claimed run carries; the reaper finds orphans by it. */
export function jobMarker(jobId: number, owner: string): { name: string; value: string } {
  const nonce = parseOwner(owner)?.nonce ?? 'x';
  // Not ORCH_: orch's config loader would take an ORCH_ variable for a (misspelled) key.
  return { name: `ORCHJOB_${jobId}_${nonce}`, value: '1' };
}
