// A task waiting on testing, with a real store, a real temp repo and the fake agent as the LLM
// tester: run() claims the job and runs it through launchJob, exactly as the worker does.
import { readFileSync } from 'node:fs';
import { launchJob, type LaunchResult } from '../../src/launcher/launch.ts';
import { artifactPath } from '../../src/config/task-paths.ts';
import { claimNextJob } from '../../src/store/repos/job-queue.ts';
import { newWorkerId } from '../../src/proc/identity.ts';
import { HAPPY, MARKER_NAME, makeAgentEnv, type AgentEnv, type Scenario } from '../helpers/agents.ts';
import type { TempRepo } from '../helpers/git-repo.ts';

/** An agent command that fails loudly: a test where the LLM transport must not run uses it. */
export const NO_LLM = Object.freeze({ ORCH_AGENT_CMD: 'false' });

/** The runner on (the agents' FAST_ENV turns it off), a 5 s suite timeout, no backoff. */
export const RUNNER_ON = Object.freeze({ ORCH_TEST_RUNNER_ENABLED: 'true', ORCH_TEST_RUNNER_TIMEOUT_S: '5', ORCH_STAGING_RUNNER_RETRY_BACKOFF_S: '0', ORCH_KILL_GRACE_S: '0.2' });

export interface TestingEnv extends AgentEnv {
  readonly taskId: number;
  run(): Promise<LaunchResult>;
  artifact(): string;
}

export async function makeTestingEnv(repo: TempRepo, env: Record<string, string>, scenario: Scenario = HAPPY): Promise<TestingEnv> {
  const e = await makeAgentEnv({ repo, scenario, env: { ...RUNNER_ON, ...env } });
  const taskId = await e.add({ stage: 'testing' });
  const owner = newWorkerId();
  return {
    ...e,
    taskId,
    run: async () => {
      const now = Date.now();
      const job = await claimNextJob(e.store, { owner, now: new Date(now).toISOString(), leaseUntil: new Date(now + 60_000).toISOString() });
      if (!job) throw new Error('nothing to claim');
      return launchJob({ store: e.store, config: e.config, owner, signal: new AbortController().signal, marker: { [MARKER_NAME]: e.marker } }, job);
    },
    artifact: () => readFileSync(artifactPath(e.config, taskId, '12-test-report.md'), 'utf8'),
  };
}
