// The per-run marker: an environment variable only this run's processes carry. Its NAME is unique
// per run, so a run nested inside another (orch under orch) keeps the outer run's marker as well,
// and the outer run can still find every process below it. The prefix deliberately avoids ORCH_
// so the variables are never mistaken for configuration keys.
import { randomBytes } from 'node:crypto';

export const MARKER_PREFIX = 'ORCHRUN_';

export interface RunMarker {
  /** Also the run's id in results and log names. */
  readonly runId: string;
  readonly name: string;
  readonly value: string;
  /** `NAME=value` as it appears in /proc/<pid>/environ. */
  readonly entry: Buffer;
}

export function newRunMarker(): RunMarker {
  const runId = randomBytes(8).toString('hex');
  const name = `${MARKER_PREFIX}${runId}`;
  const value = '1';
  return Object.freeze({ runId, name, value, entry: Buffer.from(`${name}=${value}`) });
}
