// post-deploy-monitor (post-deploy stage): runs ORCH_MONITOR_CMD ORCH_MONITOR_PROBES times,
// ORCH_MONITOR_INTERVAL_S apart, and writes 25-monitor-log.md with `monitor_status:` HEALTHY only
// if every probe passed (exit 0), DEGRADED otherwise. All probes run even after a failure, so
// the log shows a flapping service as such. No command configured: nothing is probed (HEALTHY,
// and the log says so).
import { setTimeout as sleep } from 'node:timers/promises';
import { artifactPath } from '../config/task-paths.ts';
import type { ReservedAgent, RunContext, RunResultFields } from '../launcher/types.ts';
import { writeArtifact, type ArtifactSection } from './artifact.ts';
import { describeCommandEnd, outputTail, runTaskCommand } from './run-command.ts';

const ARTIFACT = '25-monitor-log.md';

interface Probe {
  readonly n: number;
  readonly passed: boolean;
  readonly end: string;
  readonly durationMs: number;
}

async function monitor(ctx: RunContext): Promise<RunResultFields> {
  const { config, task, job } = ctx;
  const cancelled: RunResultFields = { status: 'cancelled', reason: 'monitor cancelled by orch', exitCode: null };
  const head: Array<[string, string | number | null]> = [
    ['task', `${task.id}: ${task.title}`],
    ['branch', task.branch],
    ['job', `${job.id} (attempt ${job.attempt})`],
  ];
  const sections: ArtifactSection[] = [];
  const probes: Probe[] = [];
  if (config.ORCH_MONITOR_CMD.length === 0) {
    sections.push({ heading: 'Probes', facts: [...head, ['command', 'none (ORCH_MONITOR_CMD is empty)']], text: 'Nothing is probed: no monitor command is configured.' });
  } else {
    sections.push({
      heading: 'Probes',
      facts: [...head, ['command', config.ORCH_MONITOR_CMD.join(' ')], ['probes', config.ORCH_MONITOR_PROBES], ['interval', `${config.ORCH_MONITOR_INTERVAL_S} s`]],
    });
    for (let n = 1; n <= config.ORCH_MONITOR_PROBES; n++) {
      if (n > 1) {
        try {
          await sleep(config.ORCH_MONITOR_INTERVAL_S * 1000, undefined, { signal: ctx.signal });
        } catch {
          return cancelled;
        }
      }
      const result = await runTaskCommand(ctx, config.ORCH_MONITOR_CMD, config.ORCH_MONITOR_TIMEOUT_S, `probe-${n}`);
      if (result.outcome === 'cancelled') return cancelled;
      const probe = { n, passed: result.outcome === 'exited' && result.exitCode === 0, end: describeCommandEnd(result, config.ORCH_MONITOR_TIMEOUT_S), durationMs: result.durationMs };
      probes.push(probe);
      sections.push({ heading: `Probe ${n}: ${probe.passed ? 'passed' : 'FAILED'}`, facts: [['result', probe.end], ['duration', `${probe.durationMs} ms`]], output: outputTail(result, 1_000) });
    }
  }
  const failed = probes.filter((p) => !p.passed).length;
  const verdict = failed === 0 ? 'HEALTHY' : 'DEGRADED';
  writeArtifact(artifactPath(config, task.id, ARTIFACT), { title: `Monitor log of task ${task.id}`, sections, verdictKey: 'monitor_status', verdict });
  const summary = probes.length === 0 ? 'no probe configured' : `${probes.length - failed}/${probes.length} probes passed`;
  return { status: 'ok', reason: `monitor_status: ${verdict} (${summary})`, exitCode: 0, detail: { artifact: ARTIFACT, verdict, probes } };
}

export const postDeployMonitor: ReservedAgent = Object.freeze({
  name: 'post-deploy-monitor',
  stage: 'post-deploy',
  applies: () => true,
  run: monitor,
});
