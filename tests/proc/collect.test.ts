import { describe, expect, it } from 'vitest';
import { selectMembers, type RunTarget } from '../../src/proc/collect.ts';
import type { ProcStat } from '../../src/proc/procfs.ts';

// A snapshot is plain data, so membership is decided without a single real process.
function proc(pid: number, ppid: number, pgrp: number, session: number, startTime = 500, state = 'S'): ProcStat {
  return { pid, comm: `p${pid}`, state, ppid, pgrp, session, startTime };
}

const target: RunTarget = { rootPid: 100, rootStartTime: 500, marker: Buffer.from('ORCHRUN_x=1') };
const self = proc(50, 10, 10, 10, 1);
const base = [proc(1, 0, 1, 1, 0), proc(10, 1, 10, 10, 0), self];

function select(snapshot: ProcStat[], markerHolders: number[] = []): number[] {
  const held = new Set(markerHolders);
  return selectMembers(snapshot, target, { selfPid: 50, holdsMarker: (pid) => held.has(pid) })
    .map((p) => p.pid)
    .sort((a, b) => a - b);
}

describe('selectMembers', () => {
  it('takes the root, its group and its session', () => {
    const snapshot = [...base, proc(100, 50, 100, 100), proc(101, 100, 100, 100), proc(102, 1, 102, 100)];
    expect(select(snapshot)).toEqual([100, 101, 102]);
  });

  it('follows parent links to descendants that left the group and the session', () => {
    const snapshot = [...base, proc(100, 50, 100, 100), proc(101, 100, 101, 101), proc(102, 101, 102, 102)];
    expect(select(snapshot)).toEqual([100, 101, 102]);
  });

  it('takes marker holders re-parented to init, and their children', () => {
    const snapshot = [...base, proc(300, 1, 300, 300, 600), proc(301, 300, 300, 300, 610), proc(400, 1, 400, 400, 600)];
    expect(select(snapshot, [300])).toEqual([300, 301]);
  });

  it('never takes orch itself or its ancestors, even if they carry the marker', () => {
    const snapshot = [proc(1, 0, 1, 1, 0), proc(40, 1, 40, 40, 600), proc(50, 40, 40, 40, 600), proc(100, 50, 100, 100)];
    expect(select(snapshot, [40, 50])).toEqual([100]);
  });

  it('ignores processes older than the root: a reused root PID is not the root', () => {
    const snapshot = [...base, proc(100, 1, 100, 100, 900), proc(200, 1, 200, 200, 100)];
    expect(select(snapshot, [200])).toEqual([]);
  });

  it('leaves out zombies: dead, nothing to signal', () => {
    const snapshot = [...base, proc(100, 50, 100, 100), proc(101, 100, 100, 100, 520, 'Z')];
    expect(select(snapshot)).toEqual([100]);
  });

  it('does not read environments of group members it already has', () => {
    const asked: number[] = [];
    const snapshot = [...base, proc(100, 50, 100, 100), proc(101, 100, 100, 100), proc(300, 1, 300, 300, 600)];
    selectMembers(snapshot, target, { selfPid: 50, holdsMarker: (pid) => (asked.push(pid), false) });
    expect(asked).toEqual([300]);
  });
});
