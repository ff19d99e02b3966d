// Real worker processes (bin/orch.js worker) for a test's AgentEnv, each ended by its PID at
// cleanup if it is still running: the tests that need workers with their own process (and their
// own store connection), as workers on other machines would have.
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { quote } from 'shell-quote';
import type { Store } from '../../src/store/db.ts';
import { pidIsDead } from '../../src/proc/identity.ts';
import { until } from '../proc/helpers.ts';
import { MARKER_NAME, ROOT, type AgentEnv } from './agents.ts';
import { scaled } from './time.ts';

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
        timeout: scaled(options.timeoutMs ?? 25_000),
      });
      started.push(worker);
      return worker;
    },
    killAll() {
      for (const p of started.splice(0)) if (p.pid !== undefined && p.exitCode === null && !pidIsDead(p.pid)) process.kill(p.pid, 'SIGKILL');
    },
  };
}

/**
 * A shell command (for ORCH_DEPLOY_CMD) that waits until the file `gate` exists, then runs
 * `then`. The volume tests hold every job at the gate until each worker process holds one: a
 * worker that a loaded machine starts late still gets its share, so "every worker took some of
 * the work" does not depend on start-up times.
 */
export function gatedCommand(gate: string, then: string): string {
  return quote(['sh', '-c', `while [ ! -e ${quote([gate])} ]; do sleep 0.05; done; ${then}`]);
}

/** Resolves once `workers` distinct worker processes each hold a running job. */
export async function untilEveryWorkerHoldsAJob(store: Store, workers: number): Promise<void> {
  await until(
    async () => {
      const rows = await store.db.selectFrom('jobs').select('lease_owner').distinct().where('state', '=', 'running').where('lease_owner', 'is not', null).execute();
      return rows.length >= workers;
    },
    20_000,
    `each of ${workers} worker processes to hold a running job`,
  );
}
