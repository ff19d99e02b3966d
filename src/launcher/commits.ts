// After an LLM run: publish the developer's commits to the task branch (compare-and-swap, never a
// force); for other roles, note a HEAD they left behind. A failure here is the run's failure.
import { errorMessage } from '../errors.ts';
import { git } from '../git/run.ts';
import { publishBranch } from '../worktree/publish.ts';
import { failedFields, type RunContext, type RunResultFields } from './types.ts';

/** Roles whose commits orch publishes to the task branch (compare-and-swap, never a force). */
export const COMMITTING_ROLES: ReadonlySet<string> = new Set(['developer']);

/** The run's fields once its commits are settled: with what was published, or failed. */
export async function settleCommits(ctx: RunContext, agent: string, tip: string, fields: RunResultFields): Promise<RunResultFields> {
  if (fields.status !== 'ok') return fields;
  try {
    if (COMMITTING_ROLES.has(agent)) {
      const published = await publishBranch(ctx.task.repo, ctx.task.branch, ctx.worktree, tip, ctx.job.id);
      if (published.kind === 'unchanged' || published.kind === 'published') return { ...fields, detail: { ...fields.detail, publish: published } };
      const why = published.kind === 'diverged' ? `its HEAD ${published.head} does not descend from the branch tip ${published.tip}` : `the branch moved while it ran (${published.message})`;
      return failedFields(`commits not published: ${why}; nothing was forced`, `publish-${published.kind}`, { publish: published });
    }
    const head = await git(ctx.worktree, ['rev-parse', '--verify', 'HEAD']);
    return head === tip ? fields : { ...fields, detail: { ...fields.detail, unpublishedHead: head } };
  } catch (error) {
    return failedFields(`publishing the branch failed: ${errorMessage(error)}`, 'publish-error');
  }
}
