// The staging keys: defaults, the repo scope CSV, the suite command line, and bad values as
// startup errors naming the key (TC-13).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/errors.ts';
import { resolveSuiteCommand } from '../../src/config/suite-command.ts';
import { resolveStagingOptions } from '../../src/staging/options.ts';
import { cli } from '../helpers/cli.ts';

const load = (env: Record<string, string>) => loadConfig({ env, envFile: false });

function configError(env: Record<string, string>): ConfigError {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`no ConfigError for ${JSON.stringify(env)}`);
}

describe('staging config', () => {
  it('defaults favour the deterministic path: enabled for every repo, npm test, 900 s, 3 re-runs from 30 s', () => {
    const options = resolveStagingOptions(load({ ORCH_HOME: '/tmp/h' }));
    expect(options).toMatchObject({ enabled: true, suiteCmd: '', timeoutMs: 900_000, infraRetries: 3, backoffMs: 30_000, graceMs: 5000, treeKill: true, logDir: '/tmp/h/runs/staging' });
    expect(options.scope).toMatchObject({ all: true, entries: ['*'] });
    expect(Object.isFrozen(options)).toBe(true);
  });

  it('TC-03 the repo CSV: spaces and empty entries dropped, names and paths told apart', () => {
    const options = resolveStagingOptions(load({ ORCH_STAGING_RUNNER_REPOS: ' orch , ,, ./work/app/ ,/srv/api,' }), '/base');
    expect(options.scope.entries).toEqual(['orch', './work/app/', '/srv/api']);
    expect(options.scope.all).toBe(false);
    expect([...options.scope.names]).toEqual(['orch']);
    expect([...options.scope.paths]).toEqual(['/base/work/app', '/srv/api']);
    expect(resolveStagingOptions(load({ ORCH_STAGING_RUNNER_REPOS: 'a, * ' })).scope.all).toBe(true);
    expect(resolveStagingOptions(load({ ORCH_STAGING_RUNNER_REPOS: ' , ' })).scope.entries).toEqual([]);
  });

  it.each([
    ['ORCH_STAGING_RUNNER_TIMEOUT_S', '-5', 'a number of seconds from 0.1 to 86400'],
    ['ORCH_STAGING_RUNNER_TIMEOUT_S', '0', 'a number of seconds from 0.1 to 86400'],
    ['ORCH_STAGING_RUNNER_INFRA_RETRIES', '2.5', 'a whole number from 0 to 10'],
    ['ORCH_STAGING_RUNNER_INFRA_RETRIES', 'three', 'a whole number from 0 to 10'],
    ['ORCH_STAGING_RUNNER_ENABLED', 'enabled', 'true or false (also 1/0, yes/no, on/off)'],
    ['ORCH_STAGING_RUNNER_RETRY_BACKOFF_S', '-1', 'a number of seconds from 0 to 3600'],
    ['ORCH_STAGING_RUNNER_REPOS', 'orch-*', 'a comma-separated list of repo names or paths, or * for every repo (an empty list: none)'],
    ['ORCH_STAGING_SUITE_CMD', 'npm test | tee log', "empty (the repo's npm test) or a command line without shell operators, globs, comments or $variables"],
    ['ORCH_STAGING_SUITE_CMD', 'npm test -- $FILTER', "empty (the repo's npm test) or a command line without shell operators, globs, comments or $variables"],
    ['ORCH_STAGING_SUITE_CMD', 'node test/*.js', "empty (the repo's npm test) or a command line without shell operators, globs, comments or $variables"],
  ])('TC-13 bad config %s=%s: a startup error naming the key', (key, value, allowed) => {
    const error = configError({ [key]: value });
    expect(error.key).toBe(key);
    expect(error.message).toBe(`${key}=${JSON.stringify(value)} is invalid: ${allowed}`);
  });

  it('TC-13 the CLI refuses to start on a bad staging key: exit 2, one line naming it, nothing written', async () => {
    const home = mkdtempSync(join(tmpdir(), 'orch-staging-cfg-'));
    try {
      const run = await cli(['task', 'list'], { ORCH_HOME: home, ORCH_STAGING_RUNNER_TIMEOUT_S: '-1' });
      expect(run.code).toBe(2);
      expect(run.stderr).toBe('orch: ORCH_STAGING_RUNNER_TIMEOUT_S="-1" is invalid: a number of seconds from 0.1 to 86400\n');
      expect(readdirSync(home)).toEqual([]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('a quoted suite command line splits into words and never reaches a shell', () => {
    const config = load({ ORCH_STAGING_SUITE_CMD: `sh -c 'npm test && echo "done"' --ignored` });
    // The quoted part is one word for `sh` to run; orch itself runs argv, with no shell.
    expect(resolveSuiteCommand(resolveStagingOptions(config).suiteCmd, tmpdir())).toEqual({
      argv: ['sh', '-c', 'npm test && echo "done"', '--ignored'],
      source: 'ORCH_STAGING_SUITE_CMD',
    });
    // Unquoted, the same `&&` would need a shell: refused when the config loads.
    expect(configError({ ORCH_STAGING_SUITE_CMD: 'npm test && echo done' }).message).toContain('without shell operators');
  });
});
