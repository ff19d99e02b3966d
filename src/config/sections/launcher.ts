// Keys of the launcher (src/launcher): the agent CLI behind THE transport, its deadline, and the
// per-task LLM budget the transport checks before each spawn.
import { z } from 'zod';
import { command } from '../command.ts';
import { seconds, type KeyDef } from '../define.ts';

/** Empty (no budget) or an amount of US dollars >= 0, as a plain decimal (`0.025`, `5`). */
function optionalUsd(opts: { default: string; doc: string }): KeyDef<number | null> {
  const schema = z
    .string()
    .trim()
    .refine((v) => v === '' || /^\d+(\.\d+)?$/.test(v))
    .transform((v) => (v === '' ? null : Number(v)));
  return { ...opts, allowed: 'empty (no budget) or an amount of US dollars >= 0, like 0.5 or 20', schema };
}

export const launcherKeys = {
  ORCH_AGENT_CMD: command({
    default: 'claude -p --output-format json',
    doc: 'The agent CLI the transport runs in the task worktree (no shell; prompt on stdin, JSON with usage on stdout).',
  }),
  ORCH_AGENT_TIMEOUT_S: seconds({
    default: '1800',
    doc: 'Seconds an agent may run before its whole process tree is killed and the job fails.',
    min: 0.1,
  }),
  ORCH_TASK_BUDGET_USD: optionalUsd({
    default: '',
    doc: "LLM spend allowed per task, rework included: a spawn whose estimate (the role's mean cost so far) would pass it does not start and the task is blocked (reason budget). Empty = no budget.",
  }),
  ORCH_AGENT_NOT_FOUND_DEFER_S: seconds({
    default: '300',
    doc: "Seconds a job waits (deferred, no attempt spent) when ORCH_AGENT_CMD's program is not found; one alert says so.",
    min: 0.1,
  }),
} as const;
