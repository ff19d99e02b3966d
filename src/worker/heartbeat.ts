// The lease heartbeat: extend the running job's lease every third of ORCH_WORKER_LEASE_S. The
// moment an extension finds the lease gone (the reaper took it), the run is told to stop: a
// worker that lost its lease must not write results.
import type { Store } from '../store/db.ts';
import { extendLease } from '../store/repos/job-queue.ts';

export interface Heartbeat {
  stop(): void;
}

export function startHeartbeat(store: Store, jobId: number, owner: string, leaseMs: number, onLost: () => void): Heartbeat {
  let beating = false;
  let lost = false;
  const timer = setInterval(() => {
    if (beating || lost) return;
    beating = true;
    extendLease(store.db, jobId, owner, new Date(Date.now() + leaseMs).toISOString())
      .then((held) => {
        if (!held) {
          lost = true;
          onLost();
        }
      })
      // A busy database is not a lost lease: the next beat tries again, well before expiry.
      .catch(() => undefined)
      .finally(() => {
        beating = false;
      });
  }, Math.max(10, Math.floor(leaseMs / 3)));
  return { stop: () => clearInterval(timer) };
}
