// Real worker processes (bin/orch.js worker) for a test's AgentEnv, each ended by its PID at
// cleanup if it is still running: the tests that need workers with their own process (and their
// own store connection), as workers on other machines would have.
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { pidIsDead } from '../../src/proc/identity.ts';
import { MARKER_NAME, ROOT, type AgentEnv } from './agents.ts';

export type WorkerProcess = ResultPromise<{ reject: false; stdin: 'ignore' }>;

export interface WorkerProcesses {
  /** `orch worker ...args` in the env's ORCH_HOME, with its ORCH_* settings and the test's marker. */
  start(e: AgentEnv, args?: readonly string[], options?: { timeoutMs?: number }): WorkerProcess;
  /** SIGKILL, by PID, every started worker still running. */
  killAll(): void;
}

export function workerProcesses(): WorkerProcesses {
  const started: WorkerProcess[] = [];
  return {
    start(e, args = [], options = {}) {
      const worker = execa(process.execPath, [join(ROOT, 'bin/orch.js'), 'worker', ...args], {
        cwd: e.home,
        env: { ...e.vars, [MARKER_NAME]: e.marker },
        reject: false,
        stdin: 'ignore',
        timeout: options.timeoutMs ?? 25_000,
      });
      started.push(worker);
      return worker;
    },
    killAll() {
      for (const p of started.splice(0)) if (p.pid !== undefined && p.exitCode === null && !pidIsDead(p.pid)) process.kill(p.pid, 'SIGKILL');
    },
  };
}
