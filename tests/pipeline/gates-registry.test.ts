import { describe, expect, it } from 'vitest';
import { CHECKS, QG_CHECKS, checksFor } from '../../src/pipeline/gates/registry.ts';
import { ROLES } from '../../src/core/stages.ts';
import { STAGE_TRANSITIONS, transitionKey } from '../../src/core/transitions.ts';
import { VERDICT_KEYS } from '../../src/core/verdict-keys.ts';

describe('QG_CHECKS', () => {
  it('guards the forward transitions of SPEC §3 with ordered snake_case check ids', () => {
    expect(QG_CHECKS).toEqual({
      'development->review': ['check_branch_has_commits'],
      'review->testing': ['check_review_status'],
      'testing->deploy-staging': ['check_test_status', 'check_coverage'],
      'deploy-staging->deploy': ['check_staging_status', 'check_branch_mergeable'],
      'deploy->post-deploy': ['check_deploy_status'],
      'post-deploy->done': ['check_monitor_status'],
    });
    expect(Object.isFrozen(QG_CHECKS)).toBe(true);
    expect(Object.values(QG_CHECKS).every((ids) => Object.isFrozen(ids))).toBe(true);
  });

  it('keys only forward edges of STAGE_TRANSITIONS and has a function for every id', () => {
    const forward = new Set(STAGE_TRANSITIONS.filter((t) => t.kind === 'forward').map((t) => transitionKey(t.from, t.to)));
    for (const [key, ids] of Object.entries(QG_CHECKS)) {
      expect(forward.has(key)).toBe(true);
      for (const id of ids) expect(typeof CHECKS.get(id)).toBe('function');
    }
  });

  it('every verdict key is consumed by the check of the stage whose role carries it', () => {
    for (const key of Object.keys(VERDICT_KEYS)) {
      const role = ROLES.find((r) => r.verdictKey === key);
      const edge = STAGE_TRANSITIONS.find((t) => t.from === role?.stage && t.kind === 'forward');
      expect(QG_CHECKS[transitionKey(edge?.from ?? '', edge?.to ?? '')]).toContain(`check_${key}`);
    }
  });

  it('unguarded transitions have no checks', () => {
    expect(checksFor('analysis', 'architecture')).toEqual([]);
    expect(checksFor('review', 'development')).toEqual([]);
  });
});
