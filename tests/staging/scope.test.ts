// Which repos the runner takes over (TC-03) and the interception decision launchJob asks for.
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { stagingRunnerApplies } from '../../src/staging/intercept.ts';
import { resolveStagingOptions } from '../../src/staging/options.ts';
import { parseRepoScope, repoInScope } from '../../src/config/repo-scope.ts';

const options = (env: Record<string, string>) => resolveStagingOptions(loadConfig({ env, envFile: false }), '/work');

describe('repo scope', () => {
  it.each([
    ['*', '/srv/any/repo', true],
    ['orch', '/srv/x/orch', true],
    ['orch', '/srv/x/orch-tools', false],
    ['orch', '/srv/orch/app', false],
    ['/srv/x/orch', '/srv/x/orch', true],
    ['/srv/x/orch/', '/srv/x/orch', true],
    ['/srv/x', '/srv/x/orch', false],
    ['./repos/app', '/work/repos/app', true],
    ['../app', '/app', true],
    ['other, orch', '/srv/x/orch', true],
    ['', '/srv/x/orch', false],
  ])('TC-03 %j in scope of %s: %s', (csv, repo, expected) => {
    expect(repoInScope(options({ ORCH_STAGING_RUNNER_REPOS: csv }).scope, repo)).toBe(expected);
  });

  it('TC-03 a path entry matches the repo through a symlink', () => {
    const root = mkdtempSync(join(tmpdir(), 'orch-scope-'));
    try {
      symlinkSync(root, `${root}-link`);
      const scope = parseRepoScope([`${root}-link`]);
      expect(repoInScope(scope, root)).toBe(true);
    } finally {
      rmSync(`${root}-link`, { force: true });
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('interception (what launchJob asks before any spawn)', () => {
  const task = { repo: '/srv/x/orch' };
  const staging = { stage: 'deploy-staging' };

  it('TC-01 enabled and in scope: the runner takes the deploy-staging job', () => {
    expect(stagingRunnerApplies(options({}), task, staging)).toEqual({ intercept: true, reason: 'repo /srv/x/orch is in ORCH_STAGING_RUNNER_REPOS (*)' });
  });

  it('TC-02 disabled: the LLM deployer path', () => {
    expect(stagingRunnerApplies(options({ ORCH_STAGING_RUNNER_ENABLED: 'false' }), task, staging)).toEqual({
      intercept: false,
      reason: 'the staging runner is disabled (ORCH_STAGING_RUNNER_ENABLED=false)',
    });
  });

  it('TC-03 repo out of scope: the LLM deployer path', () => {
    expect(stagingRunnerApplies(options({ ORCH_STAGING_RUNNER_REPOS: 'api, /srv/y' }), task, staging)).toEqual({
      intercept: false,
      reason: 'repo /srv/x/orch is not in ORCH_STAGING_RUNNER_REPOS (api, /srv/y)',
    });
  });

  it('only deploy-staging jobs are taken', () => {
    expect(stagingRunnerApplies(options({}), task, { stage: 'testing' }).intercept).toBe(false);
  });
});
