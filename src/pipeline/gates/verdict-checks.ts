// Checks that read a stage artifact's machine-verdict with THE parser: the passing value passes,
// another allowed value fails, a missing or invalid verdict defers (advance() re-runs the job).
import { readFile } from 'node:fs/promises';
import { ERROR_CODES, OrchError, errorMessage } from '../../errors.ts';
import { artifactPath } from '../../config/task-paths.ts';
import { ROLES } from '../../core/stages.ts';
import { parseVerdict } from '../../core/verdict.ts';
import { verdictKey } from '../../core/verdict-keys.ts';
import { DEFER_CAUSES, type CheckResult } from '../../core/check.ts';
import type { GateCheck, GateContext } from './types.ts';

/** The check for one verdict key, reading the artifact of the role that carries that key. */
export function verdictCheck(key: string): GateCheck {
  const def = verdictKey(key);
  const role = ROLES.find((r) => r.verdictKey === key);
  if (!role) throw new OrchError(ERROR_CODES.UNKNOWN_VERDICT_KEY, `no role carries verdict key ${key}`);
  const artifact = role.artifact;
  return async (ctx: GateContext): Promise<CheckResult> => {
    const path = artifactPath(ctx.config, ctx.task.id, artifact);
    const base = { artifact, key };
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read: ${errorMessage(error)}`;
      return { verdict: 'defer', reason: `${artifact} ${why}`, detail: { ...base, cause: DEFER_CAUSES.verdictMissing } };
    }
    const parsed = parseVerdict(text, key);
    if (parsed.kind === 'missing') {
      return { verdict: 'defer', reason: `${artifact} has no ${key} line (allowed: ${def.values.join(', ')})`, detail: { ...base, cause: DEFER_CAUSES.verdictMissing } };
    }
    if (parsed.kind === 'invalid') {
      return { verdict: 'defer', reason: `${artifact}: ${parsed.reason}`, detail: { ...base, cause: DEFER_CAUSES.verdictInvalid } };
    }
    const detail = { ...base, value: parsed.value, line: parsed.line };
    if (parsed.value === def.pass) return { verdict: 'pass', reason: `${key}: ${parsed.value}`, detail };
    return { verdict: 'fail', reason: `${key}: ${parsed.value} (${artifact} line ${parsed.line})`, detail };
  };
}

export const checkReviewStatus = verdictCheck('review_status');
export const checkTestStatus = verdictCheck('test_status');
export const checkStagingStatus = verdictCheck('staging_status');
export const checkDeployStatus = verdictCheck('deploy_status');
export const checkMonitorStatus = verdictCheck('monitor_status');
