// orch's own death must not leave a tree: SIGINT/SIGTERM to a real process running a group, and a
// plain process.exit() in the middle of a run. Checked from outside with the test marker.
import { build } from 'esbuild';
import { execa } from 'execa';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../fixtures/proc/marker-scan.ts';
import { tempDir, testMarker, until, watch, type TestMarker } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

// The stand-in orch process, bundled once into plain JavaScript: three runs through tsx would
// transform src/proc each time (seconds of CPU the rest of the suite needs). Its only
// import.meta.url is the fixture's own, which names the folder of the shell fixtures.
let out: ReturnType<typeof tempDir> | undefined;
let HOLD_GROUP = '';
beforeAll(async () => {
  out = tempDir();
  HOLD_GROUP = join(out.path, 'hold-group.mjs');
  await build({
    entryPoints: [fixture('hold-group.ts')],
    outfile: HOLD_GROUP,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(fixture('marker-scan.ts')).href) },
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'silent',
  });
});
afterAll(() => out?.remove());

let marker: TestMarker;
afterEach(() => marker?.cleanup());

describe('when orch itself is told to stop', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s: every running group is killed, then orch dies by the signal', async (signal) => {
    marker = testMarker();
    const orch = execa(process.execPath, [HOLD_GROUP], {
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
    const result = await execa(process.execPath, [HOLD_GROUP, '600'], {
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
