import { describe, expect, it } from 'vitest';
import { ERROR_CODES, IllegalTransitionError } from '../../src/errors.ts';
import { ROLES, STAGES, roleForStage } from '../../src/core/stages.ts';
import { STAGE_TRANSITIONS, forwardEdge, requireTransition, rollbackEdge } from '../../src/core/transitions.ts';

// The table as SPEC §3 states it, written out by hand so a change to the code must change this too.
const EXPECTED = [
  ['analysis', 'architecture', 'forward'],
  ['architecture', 'development', 'forward'],
  ['development', 'review', 'forward'],
  ['review', 'testing', 'forward'],
  ['testing', 'deploy-staging', 'forward'],
  ['deploy-staging', 'deploy', 'forward'],
  ['deploy', 'post-deploy', 'forward'],
  ['post-deploy', 'done', 'forward'],
  ['review', 'development', 'rollback'],
  ['testing', 'development', 'rollback'],
  ['deploy-staging', 'development', 'rollback'],
  ['post-deploy', 'development', 'rollback'],
] as const;

describe('STAGE_TRANSITIONS', () => {
  it('holds exactly the edges of SPEC §3', () => {
    expect(STAGE_TRANSITIONS.map((t) => [t.from, t.to, t.kind])).toEqual(EXPECTED);
  });

  it('is frozen, edges included', () => {
    expect(Object.isFrozen(STAGE_TRANSITIONS)).toBe(true);
    expect(STAGE_TRANSITIONS.every((t) => Object.isFrozen(t))).toBe(true);
  });

  it.each(EXPECTED)('allows %s -> %s (%s)', (from, to, kind) => {
    expect(requireTransition(from, to)).toEqual({ from, to, kind });
  });

  it.each([
    ['analysis', 'development'],
    ['analysis', 'done'],
    ['development', 'testing'],
    ['review', 'deploy'],
    ['deploy', 'development'],
    ['done', 'analysis'],
    ['done', 'development'],
    ['testing', 'review'],
    ['development', 'development'],
    ['architecture', 'analysis'],
    ['deploy-staging', 'testing'],
    ['nowhere', 'review'],
  ])('refuses %s -> %s with a typed error', (from, to) => {
    let caught: unknown;
    try {
      requireTransition(from, to);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(IllegalTransitionError);
    expect(caught).toMatchObject({ code: ERROR_CODES.ILLEGAL_TRANSITION, message: `illegal transition ${from} -> ${to}: not in STAGE_TRANSITIONS` });
  });

  it('every stage but done has one forward edge; rollbacks exist exactly where SPEC says', () => {
    for (const stage of STAGES) expect(forwardEdge(stage)?.from ?? 'done').toBe(stage);
    expect(STAGES.filter((s) => rollbackEdge(s))).toEqual(['review', 'testing', 'deploy-staging', 'post-deploy']);
  });

  it('every working stage has a default role and done has none', () => {
    expect(STAGES.map((s) => roleForStage(s)?.role ?? null)).toEqual([
      'analyst', 'architect', 'developer', 'reviewer', 'tester', 'deployer', 'deploy-finalizer', 'post-deploy-monitor', null,
    ]);
    expect(ROLES.filter((r) => r.kind === 'reserved').map((r) => r.role)).toEqual(['deploy-finalizer', 'post-deploy-monitor']);
  });
});
