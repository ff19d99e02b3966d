// The merge gate's config keys: TC-08 (re-test timeout default and validation against the reaper)
// and the shell-free command keys.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/errors.ts';
import { splitCommand } from '../../src/config/gate-command.ts';
import { cli } from '../helpers/cli.ts';

const load = (env: Record<string, string>) => loadConfig({ env, envFile: false });
const problem = (env: Record<string, string>): ConfigError => {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('merge gate config', () => {
  it('TC-08 re-test timeout: default 900 s, below the reaper limit minus the kill grace', () => {
    const c = load({});
    expect([c.ORCH_MERGE_RETEST_TIMEOUT_S, c.ORCH_REAPER_MAX_RUNNING_S, c.ORCH_KILL_GRACE_S]).toEqual([900, 3600, 5]);
    expect(load({ ORCH_MERGE_RETEST_TIMEOUT_S: '3594.5' }).ORCH_MERGE_RETEST_TIMEOUT_S).toBe(3594.5);
    const tooLong = problem({ ORCH_MERGE_RETEST_TIMEOUT_S: '3595' });
    expect(tooLong.key).toBe('ORCH_MERGE_RETEST_TIMEOUT_S');
    expect(tooLong.message).toBe(
      'ORCH_MERGE_RETEST_TIMEOUT_S=3595 is invalid: must be below ORCH_REAPER_MAX_RUNNING_S (3600) minus ORCH_KILL_GRACE_S (5) = 3595, so the reaper never takes a re-test that is still inside its own timeout',
    );
    expect(problem({ ORCH_MERGE_RETEST_TIMEOUT_S: '100', ORCH_REAPER_MAX_RUNNING_S: '120', ORCH_KILL_GRACE_S: '30' }).message).toContain('ORCH_REAPER_MAX_RUNNING_S (120) minus ORCH_KILL_GRACE_S (30) = 90');
    expect(problem({ ORCH_MERGE_RETEST_TIMEOUT_S: '0' }).message).toBe('ORCH_MERGE_RETEST_TIMEOUT_S="0" is invalid: a number of seconds from 0.1 to 604800');
    expect(problem({ ORCH_MERGE_RETEST_TIMEOUT_S: '15m' }).key).toBe('ORCH_MERGE_RETEST_TIMEOUT_S');
  });

  it('TC-08 a bad timeout is a startup error: the CLI stops with exit 2 naming both keys', async () => {
    const run = await cli(['task', 'list'], { ORCH_HOME: '/nonexistent/orch-home', ORCH_MERGE_RETEST_TIMEOUT_S: '4000' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^orch: ORCH_MERGE_RETEST_TIMEOUT_S=4000 is invalid: must be below ORCH_REAPER_MAX_RUNNING_S \(3600\) minus ORCH_KILL_GRACE_S/);
  });

  it('defaults of the other keys, and their validation', () => {
    const c = load({});
    expect({
      classify: c.ORCH_MERGE_CLASSIFY_ENABLED,
      retry: c.ORCH_MERGE_INFRA_RETRY_ENABLED,
      retries: c.ORCH_MERGE_INFRA_RETRIES,
      backoff: c.ORCH_MERGE_RETRY_BACKOFF_S,
      skip: c.ORCH_MERGE_RETEST_SKIP_WHEN_CURRENT,
      metrics: c.ORCH_MERGE_METRICS_ENABLED,
      patterns: c.ORCH_MERGE_LOCK_PATTERNS,
      remote: c.ORCH_PUSH_REMOTE,
      coverage: [c.ORCH_COVERAGE_CMD, c.ORCH_COVERAGE_MIN, c.ORCH_COVERAGE_SUMMARY],
    }).toEqual({
      classify: true,
      retry: true,
      retries: 3,
      backoff: 60,
      skip: true,
      metrics: true,
      patterns: ['database is locked', 'EADDRINUSE', 'index.lock'],
      remote: '',
      coverage: ['', null, 'coverage/coverage-summary.json'],
    });
    expect(load({ ORCH_COVERAGE_MIN: '80.5', ORCH_COVERAGE_CMD: 'npx vitest run --coverage' }).ORCH_COVERAGE_MIN).toBe(80.5);
    expect(problem({ ORCH_COVERAGE_MIN: '101' }).message).toBe('ORCH_COVERAGE_MIN="101" is invalid: empty (gate off) or a percentage from 0 to 100');
    expect(problem({ ORCH_COVERAGE_MIN: '80' }).message).toContain('ORCH_COVERAGE_CMD="" is invalid: a command is required while ORCH_COVERAGE_MIN is set (80)');
    expect(problem({ ORCH_PUSH_REMOTE: '--receive-pack=evil' }).key).toBe('ORCH_PUSH_REMOTE');
    expect(problem({ ORCH_MERGE_RETEST_CMD: 'npm test | tee log' }).message).toContain('no shell operators, globs, comments or $variables');
  });

  it.each([
    ['npm test', { argv: ['npm', 'test'] }],
    [`bash "/tmp/my suite.sh" --grep 'a b'`, { argv: ['bash', '/tmp/my suite.sh', '--grep', 'a b'] }],
    ['echo $HOME', { problem: 'contains a variable $HOME; it is run without a shell (name a script instead)' }],
    ['npm test && rm -rf /', { problem: 'contains a shell operator "&&"; it is run without a shell (name a script instead)' }],
    ['node *.js', { problem: 'contains a glob "*.js"; it is run without a shell (name a script instead)' }],
    ['   ', { problem: 'is empty' }],
  ])('splitCommand(%j)', (text, expected) => {
    expect(splitCommand(text)).toEqual(expected);
  });
});
