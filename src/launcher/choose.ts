// Who runs a job, decided before anything else so that even a failed start is put on the right
// agent: the reserved deterministic agent that takes it (RESERVED_AGENTS, consulted before any
// spawn), and the LLM role it stands for (the fallback of a reserved agent, or the one to run).
import { isStage, roleByName, roleForStage, type RoleDef } from '../core/stages.ts';
import type { Job } from '../store/schema.ts';
import { findReservedAgent } from './reserved.ts';
import type { ReservedAgent, RunContext } from './types.ts';

export interface AgentChoice {
  readonly reserved: ReservedAgent | null;
  readonly role: RoleDef | null;
}

/** The LLM role a job stands for: its agent's role, else its stage's default role. */
export function llmRoleFor(job: Pick<Job, 'agent' | 'stage'>): RoleDef | null {
  const byName = roleByName(job.agent);
  if (byName?.kind === 'llm') return byName;
  const byStage = isStage(job.stage) ? roleForStage(job.stage) : undefined;
  return byStage?.kind === 'llm' ? byStage : null;
}

export function chooseAgent(ctx: Pick<RunContext, 'task' | 'job' | 'config'>): AgentChoice {
  return { reserved: findReservedAgent(ctx) ?? null, role: llmRoleFor(ctx.job) };
}
