// The registry of reserved deterministic agents, consulted by launchJob BEFORE any LLM spawn.
// One line per agent; the first that applies to a job takes it. (orch:reserved-agents in
// docs/architecture/pipeline.md is generated from this list.)
import { deployFinalizer } from '../agents/deploy-finalizer.ts';
import { postDeployMonitor } from '../agents/post-deploy-monitor.ts';
import { stagingRunnerAgent } from '../agents/staging-runner.ts';
import { testRunnerAgent } from '../agents/test-runner.ts';
import type { ReservedAgent, RunContext } from './types.ts';

export const RESERVED_AGENTS: readonly ReservedAgent[] = Object.freeze([
  testRunnerAgent,
  stagingRunnerAgent,
  deployFinalizer,
  postDeployMonitor,
]);

/** The reserved agent that takes this job, or undefined: the job goes to the LLM transport. */
export function findReservedAgent(ctx: Pick<RunContext, 'task' | 'job' | 'config'>): ReservedAgent | undefined {
  return RESERVED_AGENTS.find((a) => a.stage === ctx.job.stage && a.applies(ctx));
}
