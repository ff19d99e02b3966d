// What `orch demo` sets up in a temp folder: a git repository copied from fixtures/repos/sample,
// a scenario for the fake agent (one round of review changes), and a hermetic configuration (the
// operator's ORCH_* environment and .env are not read: the demo must not run their deploy). Only
// the determinization switches (DEMO_PASSTHROUGH) are taken from the environment, so the demo
// shows what they change: the LLM tester or deployer instead of a runner, shadow runs, a budget.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { quote } from 'shell-quote';
import type { Config } from '../config/keys.ts';
import { loadConfig } from '../config/load.ts';
import { git } from '../git/run.ts';
import { ORCH_ROOT } from '../launcher/prompt.ts';

export const DEMO_BRANCH = 'demo/greeting';

/** The fake agent's script: the reviewer asks for changes once, everything else passes. */
export const DEMO_SCENARIO = Object.freeze({
  roles: {
    developer: [{ commit: { file: 'CHANGES.md', message: 'developer: describe the greeting change' } }],
    reviewer: [{ verdict: 'CHANGES_REQUESTED' }, { verdict: 'APPROVED' }],
    // The test runner and the staging runner take testing and deploy-staging (the sample's npm
    // test); the tester and the deployer run only on their fallback, with a kill-switch off, or in shadow.
    tester: [{ verdict: 'PASSED' }],
    deployer: [{ verdict: 'PASSED' }],
  },
});

const IDENTITY = ['-c', 'user.name=orch demo', '-c', 'user.email=demo@orch.invalid', '-c', 'commit.gpgsign=false'];

/** The keys `orch demo` reads from the environment; every other setting is the demo's own. */
export const DEMO_PASSTHROUGH = Object.freeze(['ORCH_TEST_RUNNER_ENABLED', 'ORCH_STAGING_RUNNER_ENABLED', 'ORCH_SHADOW_ROLES', 'ORCH_TASK_BUDGET_USD'] as const);

export interface DemoSetup {
  readonly root: string;
  readonly repo: string;
  readonly home: string;
  readonly config: Config;
}

export async function setUpDemo(root: string, env: NodeJS.ProcessEnv = {}): Promise<DemoSetup> {
  const repo = join(root, 'sample');
  const home = join(root, 'orch-home');
  cpSync(join(ORCH_ROOT, 'fixtures', 'repos', 'sample'), repo, { recursive: true });
  mkdirSync(home, { recursive: true });
  await git(repo, ['init', '--quiet', '--initial-branch=main']);
  await git(repo, ['add', '--all']);
  await git(repo, [...IDENTITY, 'commit', '--quiet', '-m', 'sample project']);
  await git(repo, ['branch', DEMO_BRANCH]);
  const scenario = join(root, 'scenario.json');
  writeFileSync(scenario, `${JSON.stringify(DEMO_SCENARIO, null, 2)}\n`);
  const config = loadConfig({
    env: {},
    envFile: false,
    overrides: {
      ORCH_HOME: home,
      ORCH_AGENT_CMD: quote([process.execPath, join(ORCH_ROOT, 'fixtures', 'agents', 'fake-agent'), '--scenario', scenario]),
      ORCH_AGENT_TIMEOUT_S: '30',
      ORCH_KILL_GRACE_S: '1',
      ORCH_WORKER_POLL_S: '0.02',
      ORCH_DEPLOY_CMD: quote([process.execPath, '-e', "console.log('deployed ' + process.env.ORCH_BRANCH)"]),
      ORCH_MONITOR_CMD: quote([process.execPath, 'test.js']),
      ORCH_MONITOR_PROBES: '2',
      ORCH_MONITOR_INTERVAL_S: '0.2',
      ORCH_MONITOR_TIMEOUT_S: '10',
      ...Object.fromEntries(DEMO_PASSTHROUGH.flatMap((key) => (env[key] === undefined ? [] : [[key, env[key] as string]]))),
    },
  });
  return { root, repo, home, config };
}
