import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { environHas, isDead, listProcesses, parseStat, readStat } from '../../src/proc/procfs.ts';

describe('parseStat', () => {
  it('reads the fields after the LAST parenthesis, whatever the command name holds', () => {
    const line = '4242 (a) b (c) d) S 17 4242 4242 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 987654 0 0\n';
    expect(parseStat(line)).toEqual({
      pid: 4242,
      comm: 'a) b (c) d',
      state: 'S',
      ppid: 17,
      pgrp: 4242,
      session: 4242,
      startTime: 987654,
    });
  });

  it('refuses a line it cannot read rather than guessing', () => {
    expect(parseStat('garbage')).toBeNull();
    expect(parseStat('12 (x) S 1 2')).toBeNull();
  });

  it('treats zombies and dead entries as dead', () => {
    const stat = parseStat('5 (z) Z 1 5 5 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0');
    expect(stat && isDead(stat)).toBe(true);
  });
});

describe('reading the live /proc', () => {
  let child: ReturnType<typeof spawn> | undefined;
  afterEach(() => {
    if (child?.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  });

  it('finds this process and its parent link', () => {
    const self = readStat(process.pid);
    expect(self?.ppid).toBe(process.ppid);
    expect(listProcesses().some((p) => p.pid === process.pid)).toBe(true);
    expect(readStat(2 ** 22 + 1)).toBeNull();
  });

  it('matches a marker only as a whole NAME=value entry of the environment', () => {
    child = spawn('sleep', ['30'], { env: { PATH: process.env.PATH, ORCH_T_MARK: 'abc', ORCH_T_LONG: 'abcdef' } });
    const pid = child.pid as number;
    expect(environHas(pid, Buffer.from('ORCH_T_MARK=abc'))).toBe(true);
    expect(environHas(pid, Buffer.from('ORCH_T_LONG=abcdef'))).toBe(true);
    expect(environHas(pid, Buffer.from('ORCH_T_MARK=ab'))).toBe(false);
    expect(environHas(pid, Buffer.from('T_MARK=abc'))).toBe(false);
    expect(environHas(pid, Buffer.from('ORCH_T_LONG=abc'))).toBe(false);
    expect(environHas(2 ** 22 + 1, Buffer.from('ORCH_T_MARK=abc'))).toBe(false);
  });
});
