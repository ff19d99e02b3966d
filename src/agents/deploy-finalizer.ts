// deploy-finalizer (deploy stage): runs ORCH_DEPLOY_CMD when one is set and writes
// 20-deploy-log.md with `deploy_status: DEPLOYED | FAILED`. On orch's own repository it never
// runs the deploy (which would restart the orchestrator running it): it records that a restart
// is pending for the operator, as an alert.
import { artifactPath } from '../config/task-paths.ts';
import type { ReservedAgent, RunContext, RunResultFields } from '../launcher/types.ts';
import { writeArtifact, type ArtifactSection } from './artifact.ts';
import { describeCommandEnd, outputTail, runTaskCommand } from './run-command.ts';
import { isSelfRepo } from './self-repo.ts';

const ARTIFACT = '20-deploy-log.md';

async function finalize(ctx: RunContext): Promise<RunResultFields> {
  const { config, task, job } = ctx;
  const commit = ctx.tip;
  const facts: Array<[string, string | number | null]> = [
    ['task', `${task.id}: ${task.title}`],
    ['branch', `${task.branch} (base ${task.base})`],
    ['commit', commit],
    ['job', `${job.id} (attempt ${job.attempt})`],
  ];
  const sections: ArtifactSection[] = [];
  let verdict: 'DEPLOYED' | 'FAILED' = 'DEPLOYED';
  let alerts: RunResultFields['alerts'] = [];
  const detail: Record<string, unknown> = { commit, artifact: ARTIFACT };

  if (await isSelfRepo(config, task.repo)) {
    const message = `task ${task.id}: orch's own repository was deployed at ${commit}; restart orch to run it (the worker never restarts itself)`;
    sections.push({ heading: 'Deploy', facts: [...facts, ['command', 'not run: this is orch\'s own repository'], ['restart', 'pending for the operator']], text: message });
    alerts = [{ kind: 'restart-pending', dedupeKey: `restart-pending:task-${task.id}:job-${job.id}`, message, detail: { commit } }];
    detail.restartPending = true;
  } else if (config.ORCH_DEPLOY_CMD.length === 0) {
    sections.push({ heading: 'Deploy', facts: [...facts, ['command', 'none (ORCH_DEPLOY_CMD is empty)']], text: 'Nothing to run: no deploy command is configured.' });
  } else {
    const result = await runTaskCommand(ctx, config.ORCH_DEPLOY_CMD, config.ORCH_DEPLOY_TIMEOUT_S, 'deploy');
    if (result.outcome === 'cancelled') return { status: 'cancelled', reason: 'deploy command cancelled by orch', exitCode: null, detail: { commit } };
    const end = describeCommandEnd(result, config.ORCH_DEPLOY_TIMEOUT_S);
    verdict = result.outcome === 'exited' && result.exitCode === 0 ? 'DEPLOYED' : 'FAILED';
    sections.push({
      heading: 'Deploy',
      facts: [...facts, ['command', config.ORCH_DEPLOY_CMD.join(' ')], ['result', end], ['duration', `${result.durationMs} ms`], ['log', result.logPath]],
      output: outputTail(result),
    });
    Object.assign(detail, { command: { outcome: result.outcome, exitCode: result.exitCode, signal: result.signal, durationMs: result.durationMs, logPath: result.logPath } });
  }
  writeArtifact(artifactPath(config, task.id, ARTIFACT), { title: `Deploy log of task ${task.id}`, sections, verdictKey: 'deploy_status', verdict });
  return { status: 'ok', reason: `deploy_status: ${verdict}`, exitCode: 0, alerts, detail: { ...detail, verdict } };
}

export const deployFinalizer: ReservedAgent = Object.freeze({
  name: 'deploy-finalizer',
  stage: 'deploy',
  applies: () => true,
  run: finalize,
});
