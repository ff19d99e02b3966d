// concludeMerge: what the performed steps of a merge plan amount to, without a repo.
import { describe, expect, it } from 'vitest';
import { concludeMerge, type PlannedMerge, type StepOutcome } from '../../src/core/merge-conclude.ts';
import { emptyAttempt } from '../../src/core/merge-attempt.ts';

const OLD = 'a'.repeat(40);
const NEW = 'b'.repeat(40);
const planned: PlannedMerge = { attempt: emptyAttempt(true), base: 'main', baseOld: OLD, testedHead: NEW, tested: 're-test passed', notes: ['a note'] };
const step = (role: StepOutcome['role'], ok: boolean, message: string, failure: string | null = null): StepOutcome => ({ role, ok, message, failure });

describe('concludeMerge', () => {
  it('the base moved: merged, the steps then the notes recorded', () => {
    const a = concludeMerge(planned, [step('base', true, 'moved main'), step('branch', true, 'moved branch')], NEW);
    expect(a).toMatchObject({ classification: 'pass', merged: true, baseAfter: NEW, steps: ['moved main', 'moved branch', 'a note'], reason: `re-test passed; main is now ${NEW.slice(0, 12)}` });
    expect(a.upToDate).toBeUndefined();
  });

  it('the base did not move: up to date, not merged', () => {
    expect(concludeMerge(planned, [], OLD)).toMatchObject({ classification: 'pass', merged: false, upToDate: true });
  });

  it.each([
    ['push', 'push-rejected'],
    ['base', 'ref-moved'],
  ] as const)('a failed %s step is the failure (other, source merge)', (role, failure) => {
    expect(concludeMerge(planned, [step(role, false, 'refused', failure)], OLD)).toMatchObject({ classification: 'other', source: 'merge', failure, reason: 'refused', merged: false });
  });

  it('a failed branch step only warns', () => {
    expect(concludeMerge(planned, [step('base', true, 'moved main'), step('branch', false, 'branch moved', 'ref-moved')], NEW)).toMatchObject({ classification: 'pass', merged: true, failure: null });
  });
});
