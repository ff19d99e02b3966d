// Durations on the command line: `30s`, `500ms`, `2m`, `1h`, `1.5s`; a bare number is seconds,
// as with timeout(1) and the ORCH_*_S keys.
import { InvalidInputError } from '../errors.ts';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
/** Node timers cannot wait longer than this (about 24.8 days). */
const MAX_MS = 2 ** 31 - 1;

export const DURATION_ALLOWED = 'a duration such as 30s, 500ms, 2m or 1h (a bare number is seconds), at most 24 days';

/** Milliseconds for `text`; `flag` names the option in the error. */
export function parseDuration(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const unit = (match?.[2] ?? 's') as keyof typeof UNIT_MS;
  const ms = match === null ? Number.NaN : Math.round(Number(match[1]) * UNIT_MS[unit]);
  if (!Number.isFinite(ms) || ms > MAX_MS) {
    throw new InvalidInputError(`${flag} ${JSON.stringify(text)} is invalid: ${DURATION_ALLOWED}`);
  }
  return ms;
}

/** `1500` -> `1.5s`, for messages. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms}ms`;
  return `${Number((ms / 1_000).toFixed(3))}s`;
}
