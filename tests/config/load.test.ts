import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CONFIG_KEYS } from '../../src/config/keys.ts';
import { CHILD_ENV_NAMES, envFileProblems, loadConfig, nearestKey } from '../../src/config/load.ts';
import { ConfigError, ERROR_CODES } from '../../src/errors.ts';

describe('loadConfig', () => {
  it('applies defaults when nothing is set', () => {
    const config = loadConfig({ env: {}, envFile: false });
    expect(config.ORCH_HOME).toBe('.orch');
    expect(config.ORCH_DATABASE_URL).toBe('');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names the key, the value and what is allowed', () => {
    let caught: unknown;
    try {
      loadConfig({ env: { ORCH_HOME: '   ' }, envFile: false });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).code).toBe(ERROR_CODES.CONFIG_INVALID);
    expect((caught as ConfigError).message).toBe('ORCH_HOME="   " is invalid: a non-empty string');
  });
});

describe('strict config', () => {
  const problemLines = (env: Record<string, string>, envFile: string | false = false): string[] => {
    try {
      loadConfig({ env, envFile });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message.split('\n');
    }
    throw new Error('expected a ConfigError');
  };

  it('reports every bad value and every unknown key in one error, one line each', () => {
    expect(problemLines({ ORCH_WORKER_LEASE: '5', ORCH_HOME: ' ', ORCH_AGENT_TIMEOUT_S: 'soon', ORCH_ZZZ: '1' })).toEqual([
      'ORCH_WORKER_LEASE (environment) is not an orch config key; did you mean ORCH_WORKER_LEASE_S? (docs/configuration.md lists them)',
      'ORCH_ZZZ (environment) is not an orch config key (docs/configuration.md lists them)',
      'ORCH_HOME=" " is invalid: a non-empty string',
      expect.stringMatching(/^ORCH_AGENT_TIMEOUT_S="soon" is invalid: a number of seconds/),
    ]);
  });

  it('allows the names orch sets for its child processes, and every name the launchers set is in that list', () => {
    expect(() => loadConfig({ env: Object.fromEntries(CHILD_ENV_NAMES.map((k) => [k, 'x'])), envFile: false })).not.toThrow();
    const root = resolve(import.meta.dirname, '../..');
    const set = ['src/launcher/transport.ts', 'src/agents/run-command.ts'].flatMap((f) =>
      [...readFileSync(join(root, f), 'utf8').matchAll(/\b(ORCH_[A-Z_]+): /g)].map((m) => m[1] as string),
    );
    expect(set.length).toBeGreaterThan(5);
    for (const name of set) expect(name in CONFIG_KEYS || CHILD_ENV_NAMES.includes(name), name).toBe(true);
  });

  it('checks .env lines: comments, export and multi-line quotes pass; anything else is named by line', () => {
    expect(envFileProblems('# c\n\nexport A=1\nB="x\ny"\nC = 2\n')).toEqual([]);
    expect(envFileProblems('A=1\njunk\n=3\n')).toEqual([{ line: 2, text: 'junk' }, { line: 3, text: '=3' }]);
  });

  it('a key in .env that is malformed elsewhere does not swallow the next line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orch-envfile-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, '.env');
    writeFileSync(file, 'junk\nORCH_WORKER_POLL_S=3\n');
    expect(problemLines({}, file)).toEqual([`${file}:1: "junk" is not KEY=value (a comment starts with #)`]);
    writeFileSync(file, 'ORCH_WORKER_POLL_S=3\n');
    expect(loadConfig({ env: {}, envFile: file }).ORCH_WORKER_POLL_S).toBe(3);
  });

  it('suggests the nearest key only when it is near', () => {
    expect(nearestKey('ORCH_HOM')).toBe('ORCH_HOME');
    expect(nearestKey('ORCH_COMPLETELY_DIFFERENT')).toBeNull();
  });
});
