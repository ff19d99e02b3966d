// Keys of the reserved deploy agents (src/agents): deploy-finalizer and post-deploy-monitor.
import { command } from '../command.ts';
import { int, seconds, str } from '../define.ts';

export const deployKeys = {
  ORCH_DEPLOY_CMD: command({
    default: '',
    doc: 'Run by deploy-finalizer in the task worktree (no shell); empty: nothing is run and the deploy is recorded as DEPLOYED.',
    optional: true,
  }),
  ORCH_DEPLOY_TIMEOUT_S: seconds({
    default: '600',
    doc: 'Seconds ORCH_DEPLOY_CMD may run before its tree is killed (deploy_status: FAILED).',
    min: 0.1,
  }),
  ORCH_SELF_REPO: str({
    default: '',
    doc: "orch's own repository (empty: the checkout orch runs from); its deploy never restarts the running orchestrator.",
    allowed: 'empty or a folder path',
  }),
  ORCH_MONITOR_CMD: command({
    default: '',
    doc: 'Probe run by post-deploy-monitor in the task worktree (exit 0 = healthy); empty: nothing is probed.',
    optional: true,
  }),
  ORCH_MONITOR_PROBES: int({
    default: '3',
    doc: 'Probes post-deploy-monitor runs; HEALTHY only if every one passes.',
    min: 1,
    max: 100,
  }),
  ORCH_MONITOR_INTERVAL_S: seconds({
    default: '10',
    doc: 'Seconds between two probes.',
    max: 3600,
  }),
  ORCH_MONITOR_TIMEOUT_S: seconds({
    default: '30',
    doc: 'Seconds one probe may run before its tree is killed (the probe fails).',
    min: 0.1,
    max: 3600,
  }),
} as const;
