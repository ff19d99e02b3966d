// The merge plan (pure): only fast-forwards and compare-and-swap moves, push first, and never a
// base that does not descend from its old value.
import { describe, expect, it } from 'vitest';
import { planMerge, type MergeFacts } from '../../src/merge/plan.ts';

const OLD = '1'.repeat(40);
const NEW = '2'.repeat(40);
const TIP = '3'.repeat(40);
const facts: MergeFacts = { base: 'main', branch: 'feat', baseOld: OLD, testedHead: NEW, branchOld: TIP, descends: true, baseCheckout: null, branchCheckout: null, pushRemote: null };

describe('planMerge', () => {
  it('base not checked out: update-ref with the old value for the base, then the task branch', () => {
    expect(planMerge(facts)).toEqual({
      ok: true,
      notes: [],
      steps: [
        { kind: 'update-ref', role: 'base', ref: 'refs/heads/main', sha: NEW, expectOld: OLD },
        { kind: 'update-ref', role: 'branch', ref: 'refs/heads/feat', sha: NEW, expectOld: TIP },
      ],
    });
  });

  it('base checked out: fast-forward in that checkout; push first when a remote is set', () => {
    const plan = planMerge({ ...facts, baseCheckout: '/op/repo', pushRemote: 'origin' });
    expect(plan.ok && plan.steps.map((s) => s.kind)).toEqual(['push', 'fast-forward', 'update-ref']);
    expect(plan.ok && plan.steps[0]).toEqual({ kind: 'push', role: 'push', remote: 'origin', sha: NEW, ref: 'refs/heads/main' });
    expect(plan.ok && plan.steps[1]).toEqual({ kind: 'fast-forward', role: 'base', worktree: '/op/repo', ref: 'refs/heads/main', sha: NEW, expectOld: OLD });
  });

  it('refuses a base that would not descend from its old value, or when that is unknown', () => {
    expect(planMerge({ ...facts, descends: false })).toEqual({ ok: false, reason: 'refusing to move main to 222222222222: it does not descend from the old main 111111111111' });
    expect(planMerge({ ...facts, descends: null })).toEqual({ ok: false, reason: 'refusing to move main to 222222222222: cannot verify that it descends from the old main 111111111111' });
  });

  it('nothing to move: no steps; a task branch checked out elsewhere is left alone, with a note', () => {
    expect(planMerge({ ...facts, testedHead: OLD, branchOld: OLD })).toEqual({ ok: true, steps: [], notes: ['main already is 111111111111: nothing to fast-forward', 'feat already is 111111111111'] });
    const plan = planMerge({ ...facts, branchCheckout: '/op/feat' });
    expect(plan.ok && plan.steps.map((s) => s.role)).toEqual(['base']);
    expect(plan.ok && plan.notes).toEqual(['feat is checked out in /op/feat: left at 333333333333 (its commits are in main)']);
  });
});
