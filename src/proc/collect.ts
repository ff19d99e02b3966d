// Which processes belong to a run: its process group and session, every descendant found through
// /proc parent links, and every process whose environment carries the run's marker. The selection
// is a pure function of a /proc snapshot; collectRun() feeds it the live table.
import { environHas, isDead, listProcesses, type ProcStat } from './procfs.ts';

/** What identifies one run's processes. */
export interface RunTarget {
  /** The spawned process: leader of its own session and process group. */
  readonly rootPid: number;
  /** Start time of the root; nothing older can belong to the run (and no reused PID is taken). */
  readonly rootStartTime: number;
  /** `NAME=value` of the run's marker environment variable. */
  readonly marker: Buffer;
}

/** A process named by PID AND start time, so a reused PID is never mistaken for it. */
export interface Member {
  readonly pid: number;
  readonly startTime: number;
}

export function memberKey(m: Member): string {
  return `${m.pid}:${m.startTime}`;
}

export interface SelectContext {
  /** orch's own PID: it and its ancestors are never selected, whatever they carry. */
  readonly selfPid: number;
  /** Whether a process's environment holds the run's marker (an IO read, done lazily). */
  readonly holdsMarker: (pid: number) => boolean;
}

/** The living members of the run in `snapshot`. */
export function selectMembers(snapshot: readonly ProcStat[], target: RunTarget, ctx: SelectContext): ProcStat[] {
  const byPid = new Map(snapshot.map((p) => [p.pid, p]));
  const protectedPids = new Set([0, 1, 2]);
  for (let p = byPid.get(ctx.selfPid); p !== undefined && !protectedPids.has(p.pid); p = byPid.get(p.ppid)) {
    protectedPids.add(p.pid);
  }
  const candidates = snapshot.filter((p) => p.startTime >= target.rootStartTime && !protectedPids.has(p.pid));

  // The kernel never reuses a PID while a group or session of that id exists. So the group and
  // session ids are still the run's unless another process now holds the root's PID: then the
  // run's group is gone and a new one may carry the same number.
  const holder = byPid.get(target.rootPid);
  const idsStillOurs = holder === undefined || holder.startTime === target.rootStartTime;
  const members = new Map<number, ProcStat>();
  for (const p of candidates) {
    const isRoot = p.pid === target.rootPid && p.startTime === target.rootStartTime;
    const inGroup = idsStillOurs && (p.pgrp === target.rootPid || p.session === target.rootPid);
    if (isRoot || inGroup) members.set(p.pid, p);
  }
  // Zombies hold no environment worth reading; living escapers are the ones that matter.
  for (const p of candidates) {
    if (!members.has(p.pid) && !isDead(p) && ctx.holdsMarker(p.pid)) members.set(p.pid, p);
  }

  const children = new Map<number, ProcStat[]>();
  for (const p of candidates) {
    const list = children.get(p.ppid);
    if (list === undefined) children.set(p.ppid, [p]);
    else list.push(p);
  }
  const queue = [...members.keys()];
  for (let i = 0; i < queue.length; i++) {
    for (const child of children.get(queue[i] as number) ?? []) {
      if (members.has(child.pid)) continue;
      members.set(child.pid, child);
      queue.push(child.pid);
    }
  }
  return [...members.values()].filter((p) => !isDead(p));
}

/** The living members of the run, read from /proc now. */
export function collectRun(target: RunTarget): ProcStat[] {
  return selectMembers(listProcesses(), target, {
    selfPid: process.pid,
    holdsMarker: (pid) => environHas(pid, target.marker),
  });
}
