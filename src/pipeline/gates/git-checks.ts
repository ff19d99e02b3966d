// Checks that ask the task's git repository.
import { branchHead, commitsAhead } from '../../git/repo.ts';
import type { CheckResult } from '../../core/check.ts';
import type { GateContext } from './types.ts';

/** development -> review: the branch has commits that its base does not. */
export async function checkBranchHasCommits(ctx: GateContext): Promise<CheckResult> {
  const { branch, base } = ctx.task;
  for (const [what, name] of [['branch', branch], ['base', base]] as const) {
    if ((await branchHead(ctx.repo, name)) === null) {
      return { verdict: 'fail', reason: `${what} ${name} does not exist in ${ctx.repo}`, detail: { [what]: name } };
    }
  }
  const ahead = await commitsAhead(ctx.repo, base, branch);
  if (ahead === 0) return { verdict: 'fail', reason: `branch ${branch} has no commits that ${base} does not have`, detail: { ahead } };
  return { verdict: 'pass', reason: `branch ${branch} is ${ahead} commit(s) ahead of ${base}`, detail: { ahead } };
}
