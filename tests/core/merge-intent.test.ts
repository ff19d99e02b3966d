// The merge intent's decisions (pure): recover, drop, or nothing; what is left to move.
import { describe, expect, it } from 'vitest';
import { emptyAttempt } from '../../src/core/merge-attempt.ts';
import { concludeRecovery, decideIntent, planRecovery } from '../../src/core/merge-intent.ts';

const OLD = 'a'.repeat(40);
const PLANNED = 'b'.repeat(40);
const intent = { base: 'main', baseOld: OLD, plannedSha: PLANNED };

describe('decideIntent', () => {
  it.each([
    [null, true, { kind: 'none' }],
    [intent, true, { kind: 'recover' }],
    [intent, false, { kind: 'stale', reason: 'main does not contain bbbbbbbbbbbb: the interrupted attempt moved nothing' }],
    [intent, null, { kind: 'stale', reason: 'git could not tell whether main contains bbbbbbbbbbbb: the intent is dropped' }],
  ] as const)('intent %j, base contains it: %s', (i, contains, expected) => {
    expect(decideIntent(i, 'main', contains)).toEqual(expected);
  });

  it('an intent for another base is stale whatever git says', () => {
    expect(decideIntent(intent, 'trunk', true)).toEqual({ kind: 'stale', reason: 'the intent was for main, the task now merges into trunk' });
  });
});

describe('planRecovery', () => {
  const facts = { branch: 'feat', plannedSha: PLANNED, branchOld: OLD, branchBehind: true, branchCheckout: null };
  it('moves a branch still behind the planned commit by compare-and-swap', () => {
    expect(planRecovery(facts).steps).toEqual([{ kind: 'update-ref', role: 'branch', ref: 'refs/heads/feat', sha: PLANNED, expectOld: OLD }]);
  });
  it.each([
    [{ branchOld: PLANNED }, 'feat already is bbbbbbbbbbbb'],
    [{ branchCheckout: '/w' }, 'feat is checked out in /w: left at aaaaaaaaaaaa'],
    [{ branchBehind: false }, 'feat is at aaaaaaaaaaaa, not behind bbbbbbbbbbbb: left alone'],
  ] as const)('leaves the branch alone when %j', (over, note) => {
    expect(planRecovery({ ...facts, ...over })).toEqual({ steps: [], notes: [note] });
  });
});

describe('concludeRecovery', () => {
  it('is a merge, recovered, even when the branch step only warned', () => {
    const a = concludeRecovery(emptyAttempt(true), intent, [], [{ ok: false, role: 'branch', failure: 'ref-moved', message: 'feat moved' }], PLANNED);
    expect(a).toMatchObject({ classification: 'pass', merged: true, recovered: true, testedHead: PLANNED, baseBefore: OLD, steps: ['feat moved'] });
    expect(a.reason).toBe('main already contains bbbbbbbbbbbb: an interrupted attempt moved main aaaaaaaaaaaa -> bbbbbbbbbbbb and was not recorded; recorded now');
  });
});
