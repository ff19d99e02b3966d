import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.ts';
import { fixture } from '../../fixtures/proc/marker-scan.ts';
import { liveRunCount, runInGroup, type RunOptions, type RunResult } from '../../src/proc/index.ts';
import { tempDir, testMarker, until, type TestMarker } from './helpers.ts';

let marker: TestMarker;
let logs: ReturnType<typeof tempDir>;
// A test may set up more than one run; each leaves its marker and folder here for the cleanup.
const made: Array<{ marker: TestMarker; logs: ReturnType<typeof tempDir> }> = [];
afterEach(() => {
  for (const run of made.splice(0)) {
    run.marker.cleanup();
    run.logs.remove();
  }
});

function setup() {
  marker = testMarker();
  logs = tempDir();
  made.push({ marker, logs });
  return { env: marker.env, logDir: logs.path, graceMs: 300 };
}

describe('runInGroup', () => {
  it('writes `input` to stdin and closes it; both streams get a tail and a log file', async () => {
    const result = await runInGroup(['bash', '-c', 'cat; echo "to stderr" >&2; exit 7'], { ...setup(), input: 'hello\nworld' });
    expect(result).toMatchObject({ outcome: 'exited', exitCode: 7, signal: null, stdoutTail: 'hello\nworld', stderrTail: 'to stderr\n' });
    expect(readFileSync(result.logPath as string, 'utf8')).toBe('hello\nworld');
    expect(readFileSync(result.stderrLogPath as string, 'utf8')).toBe('to stderr\n');
    expect(result.command).toEqual(['bash', '-c', 'cat; echo "to stderr" >&2; exit 7']);
    expect(result.treeKill).toBe(true);
    expect(Object.isFrozen(result)).toBe(true);
  });

  it('completes when input is larger than a pipe and the child never reads it', async () => {
    const result = await runInGroup(['true'], { ...setup(), input: 'x'.repeat(1024 * 1024) });
    expect(result).toMatchObject({ outcome: 'exited', exitCode: 0, survivors: 0 });
  });

  it("reports 'signaled' only for a signal orch did not send", async () => {
    const result = await runInGroup(['bash', '-c', 'kill -SEGV $$'], setup());
    expect(result).toMatchObject({ outcome: 'signaled', signal: 'SIGSEGV', exitCode: null, killed: 0 });
  });

  it("an AbortSignal kills the tree: 'cancelled', nothing left", async () => {
    const options = setup();
    const controller = new AbortController();
    const running = runInGroup({ file: fixture('daemon.sh'), ...options, signal: controller.signal, timeoutMs: 10_000 });
    await until(() => marker.holders().length >= 3, 3_000, 'the daemon tree');
    controller.abort();
    const result = await running;
    expect(result).toMatchObject({ outcome: 'cancelled', signal: 'SIGTERM', survivors: 0 });
    expect(result.killed).toBe(3);
    expect(result.durationMs).toBeLessThan(10_000); // not the 10 s deadline: the abort ended it
    expect(marker.holders()).toEqual([]);
  });

  // The old flake of the test above: under load the tree was up (and aborted) before runInGroup
  // had finished awaiting its own spawn, and an abort event fired before the listener was added
  // was never seen: the run went on to its 10 s deadline.
  it('an abort that lands while the spawn is still being awaited is honoured', async () => {
    const options = setup();
    const controller = new AbortController();
    // onSpawn runs inside the spawn step, before runInGroup resumes: the abort fires in that window.
    const result = await runInGroup({ file: 'sleep', args: ['30'], ...options, signal: controller.signal, timeoutMs: 10_000, onSpawn: () => controller.abort() });
    expect(result).toMatchObject({ outcome: 'cancelled', survivors: 0 });
    expect(result.pid).not.toBeNull();
    expect(result.durationMs).toBeLessThan(10_000); // not the 10 s deadline: the abort ended it
  });

  it('an already aborted signal starts nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await runInGroup(['sleep', '10'], { ...setup(), signal: controller.signal });
    expect(result).toMatchObject({ outcome: 'cancelled', pid: null, killed: 0, survivors: 0 });
  });

  it('turns bad options into a spawn-error naming the option, never a throw', async () => {
    const cases: Array<[RunOptions, string]> = [
      [{ file: '' }, 'runInGroup option file="" is invalid: a non-empty string'],
      [{ file: 'true', timeoutMs: -1 }, 'runInGroup option timeoutMs=-1 is invalid: a number of milliseconds from 0 to 2147483647'],
      [{ file: 'true', cwd: '/no/such/dir' }, 'runInGroup option cwd="/no/such/dir" is invalid: an existing directory'],
      [{ file: 'true', logDir: '/tmp', logPath: '/tmp/x.log' }, 'runInGroup option logPath="/tmp/x.log" is invalid: either logDir or logPath, not both'],
    ];
    for (const [options, message] of cases) {
      const result: RunResult = await runInGroup(options);
      expect(result.outcome).toBe('spawn-error');
      expect(result.error).toEqual({ code: ERROR_CODES.INVALID_INPUT, message });
    }
  });

  it('appends to an explicit logPath and tails only this run', async () => {
    const options = setup();
    const logPath = join(logs.path, 'suite.log');
    writeFileSync(logPath, 'previous run\n');
    const result = await runInGroup(['echo', 'this run'], { env: options.env, logPath });
    expect(result).toMatchObject({ stdoutTail: 'this run\n', stdoutBytes: 9, logPath, stderrLogPath: join(logs.path, 'suite.stderr.log') });
    expect(readFileSync(logPath, 'utf8')).toBe('previous run\nthis run\n');
  });

  it('installs its SIGINT/SIGTERM/exit handlers only while runs are live', async () => {
    const before = ['SIGINT', 'SIGTERM', 'exit'].map((e) => process.listenerCount(e));
    const running = runInGroup(['sleep', '0.3'], setup());
    await until(() => liveRunCount() === 1, 2_000, 'the run to register');
    expect(['SIGINT', 'SIGTERM', 'exit'].map((e) => process.listenerCount(e))).toEqual(before.map((n) => n + 1));
    await running;
    expect(liveRunCount()).toBe(0);
    expect(['SIGINT', 'SIGTERM', 'exit'].map((e) => process.listenerCount(e))).toEqual(before);
  });
});

describe('runInGroup with the tree kill switched off (ORCH_SUBPROCESS_TREE_KILL_ENABLED=false)', () => {
  it('is plain execa with a timeout: same shape, and it counts the escapers it leaves', async () => {
    const result = await runInGroup({ file: fixture('daemon.sh'), ...setup(), timeoutMs: 500, treeKill: false });
    expect(result).toMatchObject({ outcome: 'timeout', treeKill: false, killed: 1, stdoutTail: 'daemon started\n' });
    // The old behaviour this switch restores: the daemon (and the orphaned foreground sleep) live on.
    expect(result.survivors).toBeGreaterThanOrEqual(1);
    expect(marker.holders().length).toBe(result.survivors);
  });

  it('reports exits and spawn errors the same way', async () => {
    expect(await runInGroup(['false'], { ...setup(), treeKill: false })).toMatchObject({ outcome: 'exited', exitCode: 1 });
    const missing = await runInGroup(['orch-no-such-command-3f9c'], { ...setup(), treeKill: false });
    expect(missing).toMatchObject({ outcome: 'spawn-error', error: { code: 'ENOENT' } });
  });
});
