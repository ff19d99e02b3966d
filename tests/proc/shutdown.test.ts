// orch's own death must not leave a tree: SIGINT/SIGTERM to a real process running a group, and a
// plain process.exit() in the middle of a run. Checked from outside with the test marker.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture } from '../../fixtures/proc/marker-scan.ts';
import { testMarker, until, watch, type TestMarker } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let marker: TestMarker;
afterEach(() => marker?.cleanup());

describe('when orch itself is told to stop', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s: every running group is killed, then orch dies by the signal', async (signal) => {
    marker = testMarker();
    const orch = execa(process.execPath, ['--import', 'tsx', fixture('hold-group.ts')], {
      cwd: ROOT,
      env: marker.env,
      reject: false,
      stdin: 'ignore',
      stdout: 'ignore',
      stderr: 'ignore',
    });
    try {
      await until(() => marker.holders().length >= 21, 10_000, 'the fan-out');
      process.kill(orch.pid as number, signal);
      const result = await orch;
      expect(result.signal).toBe(signal);
      expect(marker.holders()).toEqual([]);
    } finally {
      if (orch.exitCode === null) orch.kill('SIGKILL');
    }
  });

  it('process.exit() in the middle of a run: the exit hook kills the tree synchronously', async () => {
    marker = testMarker();
    const watcher = watch(marker);
    const result = await execa(process.execPath, ['--import', 'tsx', fixture('hold-group.ts'), '600'], {
      cwd: ROOT,
      env: marker.env,
      reject: false,
      stdin: 'ignore',
      // Not pipes: a leftover holding one would keep this promise from settling.
      stdout: 'ignore',
      stderr: 'ignore',
    });
    watcher.stop();
    expect(result.exitCode).toBe(3);
    expect(watcher.most()).toBeGreaterThanOrEqual(21);
    expect(marker.holders()).toEqual([]);
  });
});
