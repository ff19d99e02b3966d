// QG_CHECKS: for each forward transition "from->to", the ordered check ids that guard it; and the
// check function of each id. Adding a check is one line in REGISTRATIONS.
import { checkCoverage } from '../../coverage/check.ts';
import { checkBranchMergeable } from '../../merge/check.ts';
import { forwardEdge, transitionKey } from '../../core/transitions.ts';
import { isStage } from '../../core/stages.ts';
import { checkBranchHasCommits } from './git-checks.ts';
import type { GateCheck } from './types.ts';
import {
  checkDeployStatus,
  checkMonitorStatus,
  checkReviewStatus,
  checkStagingStatus,
  checkTestStatus,
} from './verdict-checks.ts';

/** [transition, check id, check], in evaluation order within each transition. */
const REGISTRATIONS: ReadonlyArray<readonly [string, string, GateCheck]> = [
  ['development->review', 'check_branch_has_commits', checkBranchHasCommits],
  ['review->testing', 'check_review_status', checkReviewStatus],
  ['testing->deploy-staging', 'check_test_status', checkTestStatus],
  ['testing->deploy-staging', 'check_coverage', checkCoverage],
  ['deploy-staging->deploy', 'check_staging_status', checkStagingStatus],
  ['deploy-staging->deploy', 'check_branch_mergeable', checkBranchMergeable],
  ['deploy->post-deploy', 'check_deploy_status', checkDeployStatus],
  ['post-deploy->done', 'check_monitor_status', checkMonitorStatus],
];

const CHECK_ID = /^check_[a-z0-9]+(_[a-z0-9]+)*$/;

function build(): { qg: Readonly<Record<string, readonly string[]>>; fns: ReadonlyMap<string, GateCheck> } {
  const qg: Record<string, string[]> = {};
  const fns = new Map<string, GateCheck>();
  for (const [key, id, fn] of REGISTRATIONS) {
    const [from = '', to = ''] = key.split('->');
    // A registration on anything but a forward edge would never run: refuse it at load time.
    if (!isStage(from) || forwardEdge(from)?.to !== to) throw new Error(`QG_CHECKS: ${key} is not a forward edge of STAGE_TRANSITIONS`);
    if (!CHECK_ID.test(id)) throw new Error(`QG_CHECKS: check id ${id} is not snake_case check_*`);
    if (fns.has(id) && fns.get(id) !== fn) throw new Error(`QG_CHECKS: check id ${id} names two functions`);
    fns.set(id, fn);
    (qg[key] ??= []).push(id);
  }
  return { qg: Object.freeze(Object.fromEntries(Object.entries(qg).map(([k, v]) => [k, Object.freeze(v)]))), fns };
}

const built = build();

/** Frozen registry: "from->to" -> ordered check ids (stored in the DB as data). */
export const QG_CHECKS: Readonly<Record<string, readonly string[]>> = built.qg;

/** The check function of each id. */
export const CHECKS: ReadonlyMap<string, GateCheck> = built.fns;

/** The checks guarding from -> to, in order (none for an unguarded transition). */
export function checksFor(from: string, to: string): ReadonlyArray<{ id: string; check: GateCheck }> {
  return (QG_CHECKS[transitionKey(from, to)] ?? []).map((id) => ({ id, check: CHECKS.get(id) as GateCheck }));
}
