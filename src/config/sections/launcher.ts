// Keys of the launcher (src/launcher): the agent CLI behind THE transport and its deadline.
import { command } from '../command.ts';
import { seconds } from '../define.ts';

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
  ORCH_AGENT_NOT_FOUND_DEFER_S: seconds({
    default: '300',
    doc: "Seconds a job waits (deferred, no attempt spent) when ORCH_AGENT_CMD's program is not found; one alert says so.",
    min: 0.1,
  }),
} as const;
