// `orch exec` as users run it: a real `node bin/orch.js` process for the acceptance cases, and in
// process for the rest, where starting a process would only cost time.
import { execa } from 'execa';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fixture } from '../../fixtures/proc/marker-scan.ts';
import { runCli } from '../../src/cli/program.ts';
import type { RunResult } from '../../src/proc/index.ts';
import { testMarker } from '../proc/helpers.ts';

const ORCH = fileURLToPath(new URL('../../bin/orch.js', import.meta.url));
let home: string;

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'orch-exec-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** Run `node bin/orch.js exec ...args` in a temp folder (its .orch/ lands there) with a test marker. */
async function orchExec(args: string[]) {
  const marker = testMarker();
  const result = await execa(process.execPath, [ORCH, 'exec', ...args], { cwd: home, env: marker.env, reject: false, stdin: 'ignore' });
  const left = marker.holders();
  marker.cleanup();
  return { code: result.exitCode, stdout: result.stdout, stderr: result.stderr, left };
}

describe.concurrent('orch exec, as a real process', () => {
  it('--timeout 1s -- sleep 10: exit 124 after about 1 s plus the kill', async () => {
    const { code, stdout, left } = await orchExec(['--timeout', '1s', '--grace', '300ms', '--json', '--', 'sleep', '10']);
    const result = JSON.parse(stdout) as RunResult;
    expect(code).toBe(124);
    expect(result).toMatchObject({ outcome: 'timeout', signal: 'SIGTERM', killed: 1, survivors: 0 });
    expect(result.durationMs).toBeGreaterThanOrEqual(1_000);
    // Ended by the timeout, not by `sleep 10`: a ceiling only, load stretches the kill.
    expect(result.durationMs).toBeLessThan(10_000);
    expect(result.logPath?.startsWith(join(home, '.orch', 'runs', 'exec'))).toBe(true);
    expect(left).toEqual([]);
  });

  it('-- false: exit 1', async () => {
    expect((await orchExec(['--', 'false'])).code).toBe(1);
  });

  it("passes the command's own exit code through, 2 included, and its output", async () => {
    const { code, stdout, stderr } = await orchExec(['--', 'bash', '-c', 'echo out; echo err >&2; exit 2']);
    expect({ code, stdout, stderr }).toEqual({ code: 2, stdout: 'out', stderr: 'err' });
  });

  it('-- no-such-cmd: exit 127, like a shell', async () => {
    const { code, stderr } = await orchExec(['--', 'orch-no-such-cmd-3f9c']);
    expect(code).toBe(127);
    expect(stderr).toBe('orch exec: orch-no-such-cmd-3f9c: command not found');
  });
});

/** `orch exec ...args` inside this process, stdout and stderr captured, ORCH_* from `env`. */
async function orchExecHere(args: string[], env: Record<string, string> = {}) {
  const marker = testMarker();
  const out: string[] = [];
  const err: string[] = [];
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true)),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true)),
  ];
  const saved = { ...process.env };
  Object.assign(process.env, marker.env, env);
  try {
    const code = await runCli(['exec', ...args]);
    return { code, stdout: out.join(''), stderr: err.join(''), left: marker.holders() };
  } finally {
    for (const spy of spies) spy.mockRestore();
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    marker.cleanup();
  }
}

describe('orch exec, in process', () => {
  it('a file without the execute bit: exit 126', async () => {
    const copy = join(home, 'not-executable.sh');
    copyFileSync(fixture('not-executable.sh'), copy);
    chmodSync(copy, 0o644);
    const { code, stderr } = await orchExecHere(['--', copy]);
    expect(code).toBe(126);
    expect(stderr).toBe(`orch exec: ${copy}: permission denied (not executable)\n`);
  });

  it('kills what a passing command left behind, and says so', async () => {
    const { code, stderr, left } = await orchExecHere(['--grace', '300ms', '--log-dir', home, '--', fixture('leave-sleeper.sh')]);
    expect(code).toBe(0);
    expect(stderr).toBe('orch exec: killed 1 process\n');
    expect(left).toEqual([]);
  });

  it('--json prints the result object and keeps the output in log files', async () => {
    const { code, stdout } = await orchExecHere(['--json', '--log-dir', home, '--', 'bash', '-c', 'echo hello; exit 3']);
    const result = JSON.parse(stdout) as RunResult;
    expect(code).toBe(3);
    expect(result).toMatchObject({ outcome: 'exited', exitCode: 3, stdoutTail: 'hello\n', killed: 0, survivors: 0 });
    expect(result.logPath?.startsWith(home)).toBe(true);
  });

  it.each([
    [['--timeout', 'abc', '--', 'true'], '--timeout "abc"'],
    [['--grace', '5x', '--', 'true'], '--grace "5x"'],
  ])("a bad duration exits 125, not 2 (2 stays the command's): %j", async (args, named) => {
    const { code, stderr } = await orchExecHere(args);
    expect(code).toBe(125);
    expect(stderr).toBe(
      `orch exec: ${named} is invalid: a duration such as 30s, 500ms, 2m or 1h (a bare number is seconds), at most 24 days\n`,
    );
  });

  it.each([
    [['--bogus', '--', 'true'], "orch: unknown option '--bogus'\n"],
    [[], "orch: missing required argument 'command'\n"],
  ])('bad usage exits 125 as well: %j', async (args, message) => {
    const { code, stderr } = await orchExecHere(args);
    expect(code).toBe(125);
    expect(stderr).toBe(message);
  });

  it('a bad ORCH_* value is an orch failure too: 125 naming the key', async () => {
    const { code, stderr } = await orchExecHere(['--', 'true'], { ORCH_KILL_GRACE_S: 'soon' });
    expect(code).toBe(125);
    expect(stderr).toBe('orch exec: ORCH_KILL_GRACE_S="soon" is invalid: a number of seconds from 0 to 600\n');
  });

  it('--help exits 0 and documents the exit codes', async () => {
    const { code, stdout } = await orchExecHere(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('124 when the timeout killed it');
  });
});
