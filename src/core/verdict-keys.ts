// The machine-verdict key registry: each key, its allowed values and which value passes the gate.
import { ERROR_CODES, OrchError } from '../errors.ts';

export interface VerdictKeyDef {
  readonly key: string;
  readonly values: readonly string[];
  /** The one value that lets the gate pass; every other allowed value fails it. */
  readonly pass: string;
}

export const VERDICT_KEYS: Readonly<Record<string, VerdictKeyDef>> = Object.freeze({
  review_status: Object.freeze({ key: 'review_status', values: Object.freeze(['APPROVED', 'CHANGES_REQUESTED']), pass: 'APPROVED' }),
  test_status: Object.freeze({ key: 'test_status', values: Object.freeze(['PASSED', 'FAILED']), pass: 'PASSED' }),
  staging_status: Object.freeze({ key: 'staging_status', values: Object.freeze(['PASSED', 'FAILED']), pass: 'PASSED' }),
  deploy_status: Object.freeze({ key: 'deploy_status', values: Object.freeze(['DEPLOYED', 'FAILED']), pass: 'DEPLOYED' }),
  monitor_status: Object.freeze({ key: 'monitor_status', values: Object.freeze(['HEALTHY', 'DEGRADED']), pass: 'HEALTHY' }),
});

export function verdictKey(key: string): VerdictKeyDef {
  const def = VERDICT_KEYS[key];
  if (!def) throw new OrchError(ERROR_CODES.UNKNOWN_VERDICT_KEY, `unknown verdict key ${key}; known: ${Object.keys(VERDICT_KEYS).join(', ')}`);
  return def;
}
