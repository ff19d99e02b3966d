// Keys of the worker (src/worker): leases, polling, the retry budget and the reaper.
import { int, seconds } from '../define.ts';

export const workerKeys = {
  ORCH_WORKER_LEASE_S: seconds({
    default: '30',
    doc: 'Lease a worker holds on a running job; it heartbeats every third of it, and an expired lease is reaped.',
    min: 0.5,
    max: 3600,
  }),
  ORCH_WORKER_POLL_S: seconds({
    default: '1',
    doc: 'How often an idle worker looks for runnable jobs.',
    min: 0.01,
    max: 300,
  }),
  ORCH_JOB_MAX_ATTEMPTS: int({
    default: '3',
    doc: 'Runs of a job that keeps failing (crash, non-zero exit, timeout, ran too long) before the task is blocked with one alert.',
    min: 1,
    max: 20,
  }),
  ORCH_JOB_MAX_REAPS: int({
    default: '10',
    doc: 'Reaps of one job for a dead worker or a lost lease (never counted as attempts) before the task is blocked with one alert: a poison job.',
    min: 1,
    max: 1000,
  }),
  ORCH_REAPER_INTERVAL_S: seconds({
    default: '10',
    doc: 'How often each worker runs the reaper (expired leases, jobs running too long, tasks left between a job and its gate).',
    min: 0.05,
    max: 3600,
  }),
  ORCH_REAPER_MAX_RUNNING_S: seconds({
    default: '3600',
    doc: 'A job running longer than this is killed (when local) and re-queued; must exceed every command timeout plus the kill grace.',
    min: 1,
  }),
} as const;

/** The values the reaper rule reads (a Config satisfies it). */
interface ReaperRuleInput {
  readonly ORCH_REAPER_MAX_RUNNING_S: number;
  readonly ORCH_KILL_GRACE_S: number;
  readonly ORCH_AGENT_TIMEOUT_S: number;
  readonly ORCH_DEPLOY_TIMEOUT_S: number;
  readonly ORCH_MONITOR_PROBES: number;
  readonly ORCH_MONITOR_INTERVAL_S: number;
  readonly ORCH_MONITOR_TIMEOUT_S: number;
  readonly ORCH_STAGING_RUNNER_TIMEOUT_S: number;
}

/** The longest a job may legitimately run, per key that bounds it. */
export function longestJobS(c: ReaperRuleInput): { key: string; seconds: number } {
  const monitor = c.ORCH_MONITOR_PROBES * c.ORCH_MONITOR_TIMEOUT_S + (c.ORCH_MONITOR_PROBES - 1) * c.ORCH_MONITOR_INTERVAL_S;
  const bounds = [
    { key: 'ORCH_AGENT_TIMEOUT_S', seconds: c.ORCH_AGENT_TIMEOUT_S },
    { key: 'ORCH_DEPLOY_TIMEOUT_S', seconds: c.ORCH_DEPLOY_TIMEOUT_S },
    { key: 'ORCH_STAGING_RUNNER_TIMEOUT_S', seconds: c.ORCH_STAGING_RUNNER_TIMEOUT_S },
    { key: 'ORCH_MONITOR_PROBES x ORCH_MONITOR_TIMEOUT_S + intervals', seconds: monitor },
  ];
  return bounds.reduce((a, b) => (b.seconds > a.seconds ? b : a));
}

/** The reaper must never kill a job that is still within its own deadline. */
export const workerRules = [
  {
    keys: ['ORCH_REAPER_MAX_RUNNING_S', 'ORCH_AGENT_TIMEOUT_S', 'ORCH_DEPLOY_TIMEOUT_S', 'ORCH_MONITOR_TIMEOUT_S', 'ORCH_STAGING_RUNNER_TIMEOUT_S', 'ORCH_KILL_GRACE_S'],
    check: (c: ReaperRuleInput): string | null => {
      const longest = longestJobS(c);
      const needed = longest.seconds + c.ORCH_KILL_GRACE_S;
      if (c.ORCH_REAPER_MAX_RUNNING_S > needed) return null;
      return `must be more than ${needed} s (${longest.key} = ${longest.seconds} s plus ORCH_KILL_GRACE_S = ${c.ORCH_KILL_GRACE_S} s), or the reaper would kill jobs still within their deadline`;
    },
  },
] as const;
