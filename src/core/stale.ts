// The reaper's judgment, a pure function of a running job and the clock: is it stale, and why?
import type { Job } from '../store/schema.ts';
import { ownerIsDead, parseOwner, processStartTime, type Owner } from '../proc/identity.ts';

export const STALE_REASONS = Object.freeze({
  /** Its owner stopped heartbeating (dead, hung, or cut off from the database). */
  leaseExpired: 'lease-expired',
  /** Its owner ran on this machine and is gone (PID dead, or recycled by a process started later): no need to wait for the lease. */
  ownerDead: 'owner-dead',
  /** It has run past ORCH_REAPER_MAX_RUNNING_S, heartbeat or not. */
  ranTooLong: 'ran-too-long',
} as const);
export type StaleReason = (typeof STALE_REASONS)[keyof typeof STALE_REASONS];

export interface StaleContext {
  readonly nowMs: number;
  readonly maxRunningMs: number;
  /** Whether a local owner's PID is dead (IO, injected). */
  readonly pidIsDead: (pid: number) => boolean;
  /** The start time of a local PID now (IO, injected): a different one means the PID was recycled. @default processStartTime */
  readonly startOf?: (pid: number) => number | null;
  /** This worker's own id: its own jobs are judged by their age only. */
  readonly self: string;
}

export function staleReason(job: Pick<Job, 'state' | 'lease_owner' | 'lease_expires_at' | 'started_at'>, ctx: StaleContext): StaleReason | null {
  if (job.state !== 'running') return null;
  const started = job.started_at === null ? Number.NaN : Date.parse(job.started_at);
  if (Number.isFinite(started) && ctx.nowMs - started > ctx.maxRunningMs) return STALE_REASONS.ranTooLong;
  if (job.lease_owner === ctx.self) return null;
  const expires = job.lease_expires_at === null ? Number.NaN : Date.parse(job.lease_expires_at);
  if (!Number.isFinite(expires) || expires < ctx.nowMs) return STALE_REASONS.leaseExpired;
  const owner: Owner | null = parseOwner(job.lease_owner);
  if (owner && ownerIsDead(owner, ctx.pidIsDead, ctx.startOf ?? processStartTime)) return STALE_REASONS.ownerDead;
  return null;
}
