// Run the chosen agent in a prepared worktree, as steps that each return a value: the reserved
// agent (in-process); the LLM role through spawnAgent, THE transport, when there is no reserved
// agent or it answers `fallback`; then, for an LLM run, its commits. Never throws: a reserved
// agent that raises, or a transport that throws, is a failed run.
import { errorMessage } from '../errors.ts';
import type { RoleDef } from '../core/stages.ts';
import type { AgentChoice } from './choose.ts';
import { settleCommits } from './commits.ts';
import { spawnAgent } from './transport.ts';
import { failedFields, type ReservedAgent, type ReservedFallback, type RunContext, type RunResultFields, type Transport } from './types.ts';

/** Who ran, how, and what it answered. */
export interface AgentRun {
  readonly agent: string;
  readonly transport: Transport;
  readonly fields: RunResultFields;
}

/** A step's run; `crashed`: orch itself failed in it, and no later step applies. */
type Step = AgentRun & { readonly crashed?: true };

const withDetail = (fields: RunResultFields, detail: Readonly<Record<string, unknown>>): RunResultFields => ({ ...fields, detail: { ...fields.detail, ...detail } });

/** Run the reserved agent; a throw is a failed run (never-raise), not a crash of the worker. */
async function runReserved(agent: ReservedAgent, ctx: RunContext): Promise<RunResultFields | ReservedFallback> {
  try {
    return await agent.run(ctx);
  } catch (error) {
    return failedFields(`${agent.name} raised: ${errorMessage(error)}`, 'reserved-error');
  }
}

/** The LLM role through the transport; `fallback` is what a reserved agent handed over, kept in the detail. */
async function runLlm(ctx: RunContext, role: RoleDef, fallback: Readonly<Record<string, unknown>>): Promise<Step> {
  try {
    return { agent: role.role, transport: 'llm', fields: withDetail(await spawnAgent(ctx, role), fallback) };
  } catch (error) {
    return { agent: role.role, transport: 'llm', fields: failedFields(`job ${ctx.job.id} failed in orch: ${errorMessage(error)}`, 'launch-error'), crashed: true };
  }
}

/** The reserved agent's answer, or the LLM role's when there is none or it fell back. */
async function firstRun(ctx: RunContext, { reserved, role }: AgentChoice): Promise<Step> {
  const own = reserved ? await runReserved(reserved, ctx) : null;
  if (reserved && own && own.status !== 'fallback') return { agent: reserved.name, transport: 'deterministic', fields: own };
  const fallback = own?.status === 'fallback' ? { ...own.detail, fallbackFrom: reserved?.name, fallbackReason: own.reason } : {};
  if (role) return runLlm(ctx, role, fallback);
  const fields = failedFields(`${reserved?.name} fell back, but ${ctx.job.agent} on ${ctx.job.stage} is no LLM role`, 'no-agent');
  return { agent: reserved?.name ?? ctx.job.agent, transport: 'llm', fields: withDetail(fields, fallback) };
}

/**
 * Run `choice` (a reserved agent or an LLM role; the caller made sure there is one) in the
 * worktree of `ctx`. `prepared` (what preparing the worktree did) goes first in the run's detail.
 */
export async function runAgent(ctx: RunContext, choice: AgentChoice, prepared: Readonly<Record<string, unknown>>): Promise<AgentRun> {
  const first = await firstRun(ctx, choice);
  if (first.crashed) return { agent: first.agent, transport: first.transport, fields: first.fields };
  const fields: RunResultFields = { ...first.fields, detail: { ...prepared, ...first.fields.detail } };
  const settled = first.transport === 'llm' ? await settleCommits(ctx, first.agent, ctx.tip, fields) : fields;
  return { agent: first.agent, transport: first.transport, fields: settled };
}
