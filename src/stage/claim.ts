// `orch stage` runs ONE job, the task's deploy-staging job, not whatever the queue offers next:
// claim that job by id, in one guarded UPDATE, with a lease exactly as a worker holds it (the
// reaper treats a crashed `orch stage` like a crashed worker). A deferred job is claimed even
// before its not_before: the operator asked for the run now.
import type { Job } from '../store/schema.ts';
import type { Db } from '../store/tx.ts';

export async function claimJobById(db: Db, jobId: number, claim: { owner: string; now: string; leaseUntil: string }): Promise<Job | undefined> {
  return db
    .updateTable('jobs')
    .set({ state: 'running', lease_owner: claim.owner, lease_expires_at: claim.leaseUntil, started_at: claim.now, finished_at: null, pid: null })
    .where('id', '=', jobId)
    .where('state', 'in', ['queued', 'deferred'])
    // Another job of the task running (a worker on the same worktree) wins; we do not wait.
    .where((eb) =>
      eb.not(
        eb.exists(
          eb.selectFrom('jobs as r').select('r.id').where('r.task_id', '=', eb.ref('jobs.task_id')).where('r.state', '=', 'running'),
        ),
      ),
    )
    .returningAll()
    .executeTakeFirst();
}
