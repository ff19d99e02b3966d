import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildPrompt, roleCardPath } from '../../src/launcher/prompt.ts';
import { ROLES } from '../../src/core/stages.ts';

describe('the prompt', () => {
  it('every LLM role has its role card in docs/agents/', () => {
    for (const role of ROLES.filter((r) => r.kind === 'llm')) expect(existsSync(roleCardPath(role.role)), role.role).toBe(true);
  });

  it('is the role card followed by the task context, verdict key and allowed values included', () => {
    const text = buildPrompt('# Reviewer role card\n\nReview it.\n', {
      taskId: 7, title: 'Add login', branch: 'feature/login', base: 'main', stage: 'review', role: 'reviewer', attempt: 2,
      worktree: '/h/worktrees/7', taskDir: '/h/tasks/7', artifactPath: '/h/tasks/7/10-review.md',
      verdictKey: 'review_status', verdictValues: ['APPROVED', 'CHANGES_REQUESTED'], earlierArtifacts: ['01-analysis.md', '05-development.md'],
    });
    expect(text).toBe(`# Reviewer role card

Review it.

---

# Your task

- Task: 7: Add login
- Stage: review (you are the reviewer; run 2 of this stage's job)
- Branch: feature/login (base main)
- Worktree: /h/worktrees/7
- Write your artifact to: /h/tasks/7/10-review.md
- Earlier artifacts in /h/tasks/7: 01-analysis.md, 05-development.md
- Verdict: end the artifact with one line \`review_status: <VALUE>\`, VALUE one of APPROVED, CHANGES_REQUESTED, outside any code block.
`);
  });

  it('refuses a role name that could leave docs/agents', () => {
    expect(() => roleCardPath('../secrets')).toThrow('role "../secrets" is not a role name (lowercase letters, digits, dashes)');
  });
});
