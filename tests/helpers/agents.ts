// Runs of the pipeline with the fake agent: a temp ORCH_HOME and store, a temp git repo, a
// scenario file, fast worker settings, and a per-test marker that every agent process carries
// (checked from outside by fixtures/proc/marker-scan.ts; cleanup kills holders by PID).
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { quote } from 'shell-quote';
import { killHolders, markerHolders, type Holder } from '../../fixtures/proc/marker-scan.ts';
import { alertsForTask } from '../../src/store/repos/alerts.ts';
import { gateResultsForTask, transitionsForTask } from '../../src/store/repos/history.ts';
import { jobsForTask } from '../../src/store/repos/jobs.ts';
import { runsForTask } from '../../src/store/repos/runs.ts';
import { getTask } from '../../src/store/repos/tasks.ts';
import type { AgentRun, Alert, GateResultRow, Job, Task, TransitionRow } from '../../src/store/schema.ts';
import { runWorker, type WorkerSummary } from '../../src/worker/loop.ts';
import type { WorkerOptions } from '../../src/worker/options.ts';
import { makePipelineEnv, type PipelineEnv } from './pipeline.ts';
import type { TempRepo, TempRepoOptions } from './git-repo.ts';
import { scaled } from './time.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const FAKE_AGENT = join(ROOT, 'fixtures/agents/fake-agent');
export const MARKER_NAME = 'TEST_ORCH_MARKER';

export interface Step {
  mode?: 'ok' | 'crash' | 'hang' | 'no-verdict' | 'invalid-verdict' | 'garbage-stdout' | 'kill-worker';
  /** The mode applies to these task ids only; other tasks run the step as "ok". */
  tasks?: number[];
  verdict?: string;
  commit?: { file: string; content?: string; message?: string };
  sleepMs?: number;
  exitCode?: number;
  costUsd?: number;
}
export interface Scenario {
  roles?: Record<string, Step[]>;
  default?: Step;
}

/** Every verdict passes; the developer commits. */
export const HAPPY: Scenario = {
  roles: {
    developer: [{ commit: { file: 'feature.txt' } }],
    reviewer: [{ verdict: 'APPROVED' }],
    tester: [{ verdict: 'PASSED' }],
    deployer: [{ verdict: 'PASSED' }],
  },
};

/** Seconds stretched by TEST_TIME_FACTOR, as an ORCH_* value. */
const seconds = (s: number) => String(scaled(s * 1000) / 1000);

/**
 * Settings that keep a test run short; every key can be overridden. Polls and intervals are
 * short; the lease and the deadlines of commands that are meant to finish are generous, and
 * stretched by TEST_TIME_FACTOR, so a loaded machine never turns a passing run into a timeout or
 * a lost lease (the tests of a timeout set a short one of their own).
 */
export const FAST_ENV: Readonly<Record<string, string>> = Object.freeze({
  ORCH_WORKER_POLL_S: '0.02',
  ORCH_WORKER_LEASE_S: seconds(2),
  ORCH_REAPER_INTERVAL_S: '0.2',
  ORCH_REAPER_MAX_RUNNING_S: seconds(60),
  ORCH_MERGE_RETEST_TIMEOUT_S: seconds(30),
  ORCH_STAGING_RUNNER_TIMEOUT_S: seconds(30),
  ORCH_KILL_GRACE_S: '0.3',
  ORCH_AGENT_TIMEOUT_S: seconds(20),
  ORCH_DEPLOY_TIMEOUT_S: seconds(15),
  ORCH_MONITOR_TIMEOUT_S: seconds(15),
  ORCH_MONITOR_PROBES: '1',
  ORCH_MONITOR_INTERVAL_S: '0',
  // The staging runner (its own issue) would run the sample's npm test in every task: these
  // tests are about the worker, so deploy-staging stays with the (fake) LLM deployer.
  ORCH_STAGING_RUNNER_ENABLED: 'false',
  // Likewise the test runner (issue 17): the testing stage stays with the (fake) LLM tester.
  ORCH_TEST_RUNNER_ENABLED: 'false',
});

export interface TaskRecord {
  task: Task;
  jobs: Job[];
  runs: AgentRun[];
  transitions: TransitionRow[];
  gates: GateResultRow[];
  alerts: Alert[];
}

export interface AgentEnv extends PipelineEnv {
  /** The ORCH_* variables of this env, for worker processes. */
  readonly vars: Readonly<Record<string, string>>;
  readonly marker: string;
  /** Living processes that carry this test's marker (agents, their children, worker processes). */
  holders(): Holder[];
  worker(options?: WorkerOptions): Promise<WorkerSummary>;
  record(taskId: number): Promise<TaskRecord>;
  /** The roles the transport started the agent for, in order: one line per agent process. */
  agentCalls(): string[];
}

export function agentCommand(scenarioPath: string, marker: string, callsPath?: string): string {
  return quote(['env', `${MARKER_NAME}=${marker}`, process.execPath, FAKE_AGENT, '--scenario', scenarioPath, ...(callsPath ? ['--calls', callsPath] : [])]);
}

export async function makeAgentEnv(options: TempRepoOptions & { scenario: Scenario; env?: Record<string, string>; repo?: TempRepo }): Promise<AgentEnv> {
  const marker = randomUUID();
  const scenarioDir = mkdtempSync(join(tmpdir(), 'orch-scenario-'));
  const scenarioPath = join(scenarioDir, 'scenario.json');
  writeFileSync(scenarioPath, JSON.stringify(options.scenario));
  const callsPath = join(scenarioDir, 'calls.log');
  const extra = { ...FAST_ENV, ORCH_AGENT_CMD: agentCommand(scenarioPath, marker, callsPath), ...options.env };
  const base = await makePipelineEnv({ ...options, env: extra });
  const vars = { ...extra, ORCH_HOME: base.home, ORCH_DATABASE_URL: base.config.ORCH_DATABASE_URL };
  return {
    ...base,
    vars,
    marker,
    holders: () => markerHolders(MARKER_NAME, marker),
    agentCalls: () => (existsSync(callsPath) ? readFileSync(callsPath, 'utf8').split('\n').filter(Boolean) : []),
    worker: (o = {}) => runWorker({ store: base.store, config: base.config }, { untilIdle: true, ...o }),
    record: async (taskId) => {
      const db = base.store.db;
      const [task, jobs, runs, transitions, gates, alerts] = await Promise.all([
        getTask(db, taskId), jobsForTask(db, taskId), runsForTask(db, taskId), transitionsForTask(db, taskId), gateResultsForTask(db, taskId), alertsForTask(db, taskId),
      ]);
      return { task, jobs, runs, transitions, gates, alerts };
    },
    cleanup: async () => {
      killHolders(MARKER_NAME, marker);
      await base.cleanup();
      rmSync(scenarioDir, { recursive: true, force: true });
    },
  };
}

/** `from->to` of each transition, in order. */
export function path(record: TaskRecord): string[] {
  return record.transitions.map((t) => `${t.from_stage}->${t.to_stage}`);
}
