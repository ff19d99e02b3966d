// Options of one worker run, normalised once into a frozen object; durations come from config.
import type { Config } from '../config/keys.ts';
import { InvalidInputError } from '../errors.ts';
import { HEARTBEAT_MS } from '../util/still-running.ts';

export interface WorkerOptions {
  /** Jobs run at once (of different tasks). @default 1 */
  concurrency?: number;
  /** Stop once nothing is runnable or running (and no deferred job is due within the horizon). @default false */
  untilIdle?: boolean;
  /**
   * With untilIdle: a deferred job due within this many ms still counts as work to wait for;
   * one due later is left to the next worker run. @default 60000
   */
  idleHorizonMs?: number;
  /** Aborting it stops the worker: no new claims, running jobs cancelled and released. */
  signal?: AbortSignal;
  /** One line per event (claims, ends, reaps). @default nothing */
  log?: (line: string) => void;
  /** A `still running` line per running job this often. @default HEARTBEAT_MS (30 s) */
  heartbeatMs?: number;
}

export interface ResolvedWorkerOptions {
  readonly concurrency: number;
  readonly untilIdle: boolean;
  readonly idleHorizonMs: number;
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
  readonly heartbeatMs: number;
  readonly leaseMs: number;
  readonly pollMs: number;
  readonly reaperIntervalMs: number;
}

export const MAX_CONCURRENCY = 64;
export const DEFAULT_IDLE_HORIZON_MS = 60_000;

export function resolveWorkerOptions(options: WorkerOptions, config: Config): ResolvedWorkerOptions {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new InvalidInputError(`--concurrency ${JSON.stringify(concurrency)} is invalid: a whole number from 1 to ${MAX_CONCURRENCY}`);
  }
  const idleHorizonMs = options.idleHorizonMs ?? DEFAULT_IDLE_HORIZON_MS;
  if (!Number.isFinite(idleHorizonMs) || idleHorizonMs < 0) throw new InvalidInputError(`idleHorizonMs ${idleHorizonMs} is invalid: a number of milliseconds >= 0`);
  return Object.freeze({
    concurrency,
    untilIdle: options.untilIdle ?? false,
    idleHorizonMs,
    signal: options.signal ?? new AbortController().signal,
    log: options.log ?? (() => undefined),
    heartbeatMs: options.heartbeatMs ?? HEARTBEAT_MS,
    leaseMs: Math.round(config.ORCH_WORKER_LEASE_S * 1000),
    pollMs: Math.round(config.ORCH_WORKER_POLL_S * 1000),
    reaperIntervalMs: Math.round(config.ORCH_REAPER_INTERVAL_S * 1000),
  });
}
