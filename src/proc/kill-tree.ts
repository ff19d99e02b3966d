// The tree kill: freeze the run's processes with SIGSTOP so none can fork, SIGTERM + SIGCONT them,
// watch through the grace (newcomers get SIGTERM too), then freeze and SIGKILL whatever is left
// until nothing of the run is alive, and report what was killed and what survived.
import { setTimeout as sleep } from 'node:timers/promises';
import { collectRun, memberKey, type Member, type RunTarget } from './collect.ts';
import { isAlive, signalMember } from './signal.ts';

export interface KillReport {
  /** Processes orch signalled that are gone now. */
  readonly killed: number;
  /** Processes of the run still alive when orch gave up. */
  readonly survivors: number;
}

export interface KillTreeOptions {
  /** Time between SIGTERM and SIGKILL. */
  readonly graceMs: number;
  /** Source of the run's living processes; tests may substitute a snapshot. */
  readonly collect?: (target: RunTarget) => readonly Member[];
}

/** How often the set is re-read while waiting. */
const POLL_MS = 20;
/** Re-collect rounds while freezing; a fork bomb that outruns this is killed in the next pass. */
const FREEZE_ROUNDS = 20;
/** How long SIGKILL is given to take effect (a process in uninterruptible sleep dies late). */
const KILL_VERIFY_MS = 2_000;

type Members = Map<string, Member>;

/** SIGSTOP every member, re-collecting until a pass finds nobody new. Returns everyone stopped. */
function freeze(target: RunTarget, collect: (t: RunTarget) => readonly Member[]): Members {
  const stopped: Members = new Map();
  for (let round = 0; round < FREEZE_ROUNDS; round++) {
    const fresh = collect(target).filter((m) => !stopped.has(memberKey(m)));
    if (fresh.length === 0) break;
    for (const m of fresh) {
      signalMember(m, 'SIGSTOP');
      stopped.set(memberKey(m), m);
    }
  }
  return stopped;
}

/** Living members: what the collector finds plus anything already signalled that still lives. */
function remaining(target: RunTarget, collect: (t: RunTarget) => readonly Member[], signalled: Members): Members {
  const alive: Members = new Map(collect(target).map((m) => [memberKey(m), m]));
  for (const [key, m] of signalled) if (!alive.has(key) && isAlive(m)) alive.set(key, m);
  return alive;
}

function terminate(m: Member, signalled: Members): void {
  signalMember(m, 'SIGTERM');
  signalMember(m, 'SIGCONT');
  signalled.set(memberKey(m), m);
}

function report(signalled: Members, alive: Members): KillReport {
  let killed = 0;
  for (const key of signalled.keys()) if (!alive.has(key)) killed++;
  return { killed, survivors: alive.size };
}

/** Kill every process of the run: SIGTERM -> grace -> SIGKILL, then verify and report. */
export async function killTree(target: RunTarget, options: KillTreeOptions): Promise<KillReport> {
  const collect = options.collect ?? collectRun;
  const signalled: Members = new Map();
  const first = freeze(target, collect);
  if (first.size === 0) return { killed: 0, survivors: 0 };
  for (const m of first.values()) terminate(m, signalled);

  const graceEnd = performance.now() + options.graceMs;
  let alive = remaining(target, collect, signalled);
  while (alive.size > 0 && performance.now() < graceEnd) {
    await sleep(Math.min(POLL_MS, Math.max(1, graceEnd - performance.now())));
    alive = remaining(target, collect, signalled);
    for (const [key, m] of alive) if (!signalled.has(key)) terminate(m, signalled);
  }

  const killEnd = performance.now() + KILL_VERIFY_MS;
  while (alive.size > 0) {
    const frozen = freeze(target, collect);
    for (const m of [...frozen.values(), ...alive.values()]) {
      signalMember(m, 'SIGKILL');
      signalled.set(memberKey(m), m);
    }
    if (performance.now() >= killEnd) break;
    await sleep(POLL_MS / 4);
    alive = remaining(target, collect, signalled);
  }
  alive = remaining(target, collect, signalled);
  return report(signalled, alive);
}

/**
 * The same without waiting, for `process.on('exit')` where nothing asynchronous runs any more:
 * freeze, SIGKILL, and a second pass for anything that appeared meanwhile.
 */
export function killTreeNow(target: RunTarget, collect: (t: RunTarget) => readonly Member[] = collectRun): void {
  for (let pass = 0; pass < 2; pass++) {
    for (const m of freeze(target, collect).values()) signalMember(m, 'SIGKILL');
  }
}
