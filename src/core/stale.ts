// The reaper's judgment, a pure function of a running job and the clock: is it stale, and why?
// Whether a lease's holder is dead is a fact about this machine's processes: the caller finds it
// out (src/proc/identity.ts#leaseOwnerIsDead) and passes the judgment in.

export const STALE_REASONS = Object.freeze({
  /** Its owner stopped heartbeating (dead, hung, or cut off from the database). */
  leaseExpired: 'lease-expired',
  /** Its owner ran on this machine and is gone (PID dead, or recycled by a process started later): no need to wait for the lease. */
  ownerDead: 'owner-dead',
  /** It has run past ORCH_REAPER_MAX_RUNNING_S, heartbeat or not. */
  ranTooLong: 'ran-too-long',
} as const);
export type StaleReason = (typeof STALE_REASONS)[keyof typeof STALE_REASONS];

/** The columns of a job row the judgment reads. */
export interface LeasedJob {
  readonly state: string;
  readonly lease_owner: string | null;
  readonly lease_expires_at: string | null;
  readonly started_at: string | null;
}

export interface StaleContext {
  readonly nowMs: number;
  readonly maxRunningMs: number;
  /** Whether the holder a lease names is dead (a local owner whose PID is gone or recycled; IO, injected). */
  readonly ownerIsDead: (leaseOwner: string) => boolean;
  /** This worker's own id: its own jobs are judged by their age only. */
  readonly self: string;
}

export function staleReason(job: LeasedJob, ctx: StaleContext): StaleReason | null {
  if (job.state !== 'running') return null;
  const started = job.started_at === null ? Number.NaN : Date.parse(job.started_at);
  if (Number.isFinite(started) && ctx.nowMs - started > ctx.maxRunningMs) return STALE_REASONS.ranTooLong;
  if (job.lease_owner === ctx.self) return null;
  const expires = job.lease_expires_at === null ? Number.NaN : Date.parse(job.lease_expires_at);
  if (!Number.isFinite(expires) || expires < ctx.nowMs) return STALE_REASONS.leaseExpired;
  if (job.lease_owner !== null && ctx.ownerIsDead(job.lease_owner)) return STALE_REASONS.ownerDead;
  return null;
}
