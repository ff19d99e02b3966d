// The acceptance trees (a)-(h): each ends with the right outcome and nothing of it alive, checked
// by an independent /proc scan for the test's own marker, which also proves the tree was built.
import { chmodSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../fixtures/proc/marker-scan.ts';
import { runInGroup, shellExitCode, type Outcome, type RunResult } from '../../src/proc/index.ts';
import { tempDir, testMarker, watch } from './helpers.ts';
import { scaled } from '../helpers/time.ts';

const GRACE_MS = 300;
// Long enough for a tree to build itself before the deadline hits on a loaded 2-core machine
// where these tests share the CPU with the rest of the suite (stretched by TEST_TIME_FACTOR on a
// slower one). The trees sleep until then: the wait costs no CPU.
const TIMEOUT_MS = scaled(4_000);

/** Run one fixture under its own marker; whatever it leaves is cleaned up by PID afterwards. */
async function run(file: string, timeoutMs: number) {
  const marker = testMarker();
  const logs = tempDir();
  const watcher = watch(marker);
  try {
    const result = await runInGroup({ file, timeoutMs, graceMs: GRACE_MS, env: marker.env, logDir: logs.path });
    watcher.stop();
    return { result, seen: [...watcher.seen.values()], most: watcher.most(), left: marker.holders() };
  } finally {
    watcher.stop();
    marker.cleanup();
    logs.remove();
  }
}

interface TreeCase {
  name: string;
  script: string;
  outcome: Outcome;
  exitCode: number | null;
  /** Processes of the tree the watcher must have seen alive at once. */
  most: number;
  check?: (r: RunResult, seen: Awaited<ReturnType<typeof run>>['seen']) => void;
}

const trees: TreeCase[] = [
  { name: '(a) a fan-out of 100 sleeping processes', script: 'fanout.sh', outcome: 'timeout', exitCode: null, most: 101 },
  {
    name: '(b) a child that ignores SIGTERM',
    script: 'ignore-term.sh',
    outcome: 'timeout',
    exitCode: null,
    most: 2,
    // Only SIGKILL after the full grace can end it.
    check: (r) => expect(r.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS + GRACE_MS - 20),
  },
  {
    name: '(c) a grandchild that calls setsid',
    script: 'setsid-grandchild.sh',
    outcome: 'timeout',
    exitCode: null,
    most: 3,
    check: (r, seen) => expect(seen.some((h) => h.session !== r.pid && h.pgrp !== r.pid)).toBe(true),
  },
  {
    name: '(d) a double-forked daemon',
    script: 'daemon.sh',
    outcome: 'timeout',
    exitCode: null,
    most: 3,
    // Left the session AND the tree: its parent is no process of the run.
    check: (r, seen) => {
      const pids = new Set(seen.map((h) => h.pid));
      expect(seen.some((h) => h.session !== r.pid && !pids.has(h.ppid) && h.pid !== r.pid)).toBe(true);
    },
  },
];

describe('runInGroup on the fixture trees', () => {
  // The trees mostly sleep until their deadline, so they run side by side, each under its own marker.
  it.concurrent.each(trees)('$name: outcome $outcome, killed, 0 survivors', async ({ script, outcome, exitCode, most, check }) => {
    const { result, seen, most: seenAtOnce, left } = await run(fixture(script), TIMEOUT_MS);
    expect(seenAtOnce).toBeGreaterThanOrEqual(most);
    expect(result.outcome).toBe(outcome);
    expect(result.exitCode).toBe(exitCode);
    expect(result.killed).toBeGreaterThanOrEqual(most);
    expect(result.survivors).toBe(0);
    expect(left).toEqual([]);
    expect(shellExitCode(result)).toBe(124);
    check?.(result, seen);
  });

  it('(e) a suite that exits 0 leaving a background sleeper: exited 0, the sleeper killed', async () => {
    const { result, seen, left } = await run(fixture('leave-sleeper.sh'), 10_000);
    const sleeper = Number(/^sleeper (\d+)$/m.exec(result.stdoutTail)?.[1]);
    expect(seen.map((h) => h.pid)).toContain(sleeper);
    expect(result).toMatchObject({ outcome: 'exited', exitCode: 0, signal: null, survivors: 0, error: null });
    expect(result.killed).toBe(1);
    expect(result.stdoutTail).toBe(`sleeper ${sleeper}\nall tests passed\n`);
    // The sleeper holds the log descriptor: completion must not have waited for it (which would
    // have run into the 10 s timeout). A ceiling only, never a figure: load stretches the 0.2 s.
    expect(result.durationMs).toBeLessThan(10_000);
    expect(left).toEqual([]);
  });

  it('(f) 200 MB of output: bounded memory, a 64 KiB tail decoded with replacement characters', async () => {
    const rssBefore = process.memoryUsage.rss();
    const { result, left } = await run(fixture('big-output.sh'), 20_000);
    const growth = process.memoryUsage.rss() - rssBefore;
    expect(result).toMatchObject({ outcome: 'exited', exitCode: 0, survivors: 0 });
    expect(result.stdoutBytes).toBeGreaterThan(200 * 1024 * 1024);
    expect(Buffer.byteLength(result.stdoutTail)).toBeLessThanOrEqual(64 * 1024 + 16);
    expect(result.stdoutTail.endsWith('bad utf-8: \uFFFD\uFFFD\uFFFD( then the end\nEND OF OUTPUT\n')).toBe(true);
    expect(result.stdoutTail.startsWith('\0')).toBe(true);
    expect(result.stderrTail).toBe('a line on stderr\n');
    expect(growth).toBeLessThan(50 * 1024 * 1024);
    expect(left).toEqual([]);
  });

  it('(g) a command that does not exist: spawn-error ENOENT, shell code 127', async () => {
    const { result, left } = await run('orch-no-such-command-3f9c', TIMEOUT_MS);
    expect(result).toMatchObject({ outcome: 'spawn-error', exitCode: null, pid: null, killed: 0, survivors: 0 });
    expect(result.error?.code).toBe('ENOENT');
    expect(result.error?.message).toContain('orch-no-such-command-3f9c');
    expect(shellExitCode(result)).toBe(127);
    expect(left).toEqual([]);
  });

  it('(h) a file without the execute bit: spawn-error EACCES, shell code 126', async () => {
    const dir = tempDir();
    try {
      const copy = join(dir.path, 'not-executable.sh');
      copyFileSync(fixture('not-executable.sh'), copy);
      chmodSync(copy, 0o644);
      const { result, left } = await run(copy, TIMEOUT_MS);
      expect(result).toMatchObject({ outcome: 'spawn-error', exitCode: null, survivors: 0 });
      expect(result.error?.code).toBe('EACCES');
      expect(shellExitCode(result)).toBe(126);
      expect(result.stdoutTail).toBe('');
      expect(left).toEqual([]);
    } finally {
      dir.remove();
    }
  });
});
