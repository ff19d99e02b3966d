// The prompt an LLM agent gets on stdin: its role card (docs/agents/<role>.md of orch itself)
// followed by the task context. Building the text is pure; reading the card is the only IO.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ERROR_CODES, OrchError } from '../errors.ts';

/** orch's own checkout: the role cards ship with orch, not with the task's repository. */
export const ORCH_ROOT = resolve(import.meta.dirname, '../..');

const ROLE_NAME = /^[a-z][a-z0-9-]*$/;

export function roleCardPath(role: string): string {
  if (!ROLE_NAME.test(role)) throw new OrchError(ERROR_CODES.INVALID_INPUT, `role ${JSON.stringify(role)} is not a role name (lowercase letters, digits, dashes)`);
  return join(ORCH_ROOT, 'docs', 'agents', `${role}.md`);
}

/** The role card's text; a missing card is an error naming the file (the job fails, visibly). */
export async function readRoleCard(role: string): Promise<string> {
  const path = roleCardPath(role);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new OrchError(ERROR_CODES.LAUNCH_FAILED, `role card ${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
}

export interface PromptContext {
  readonly taskId: number;
  readonly title: string;
  readonly branch: string;
  readonly base: string;
  readonly stage: string;
  readonly role: string;
  readonly attempt: number;
  readonly worktree: string;
  readonly taskDir: string;
  readonly artifactPath: string;
  readonly verdictKey: string | null;
  readonly verdictValues: readonly string[];
  /** Artifacts already in the task folder (earlier stages), by file name. */
  readonly earlierArtifacts: readonly string[];
}

/** Role card + task context, as one Markdown document. */
export function buildPrompt(card: string, ctx: PromptContext): string {
  const lines = [
    card.trimEnd(),
    '',
    '---',
    '',
    '# Your task',
    '',
    `- Task: ${ctx.taskId}: ${ctx.title}`,
    `- Stage: ${ctx.stage} (you are the ${ctx.role}; run ${ctx.attempt} of this stage's job)`,
    `- Branch: ${ctx.branch} (base ${ctx.base})`,
    `- Worktree: ${ctx.worktree}`,
    `- Write your artifact to: ${ctx.artifactPath}`,
    `- Earlier artifacts in ${ctx.taskDir}: ${ctx.earlierArtifacts.length === 0 ? '(none yet)' : ctx.earlierArtifacts.join(', ')}`,
  ];
  if (ctx.verdictKey) {
    lines.push(
      `- Verdict: end the artifact with one line \`${ctx.verdictKey}: <VALUE>\`, VALUE one of ${ctx.verdictValues.join(', ')}, outside any code block.`,
    );
  } else {
    lines.push('- Verdict: none; this artifact carries no verdict line.');
  }
  return `${lines.join('\n')}\n`;
}
