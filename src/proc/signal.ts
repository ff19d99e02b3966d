// Signals that never hit the wrong process: each one is sent only after checking that the PID
// still names the process that was collected (same start time, not yet dead).
import { isDead, readStat } from './procfs.ts';
import type { Member } from './collect.ts';

export type SignalOutcome = 'sent' | 'gone' | 'denied';

/** Whether the exact process (PID and start time) is still alive. */
export function isAlive(member: Member): boolean {
  const stat = readStat(member.pid);
  return stat !== null && stat.startTime === member.startTime && !isDead(stat);
}

/** Send `signal` to the member if it is still the same living process. */
export function signalMember(member: Member, signal: NodeJS.Signals): SignalOutcome {
  if (!isAlive(member)) return 'gone';
  try {
    process.kill(member.pid, signal);
    return 'sent';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH' ? 'gone' : 'denied';
  }
}
