// 15-staging-log.md as the staging runner writes it: a log a human can read (command, commit,
// exit code, duration, attempt, output tail) with exactly one `staging_status:` line, the same
// contract as the LLM deployer's artifact, parsed by the same parser with no special case.
import { quote } from 'shell-quote';
import type { StagingStatus } from '../core/staging-outcome.ts';
import type { BoundedTails } from './tail.ts';

export const VERDICT_KEY = 'staging_status';

export interface StagingLog {
  readonly taskId: number;
  readonly jobId: number;
  readonly jobAttempt: number;
  readonly status: StagingStatus;
  /** Why this verdict: the exit code, or the tool error that spent the infra budget. */
  readonly reason: string;
  readonly failClosed: boolean;
  readonly command: readonly string[];
  readonly commandSource: string;
  /** What the dependency step did before the suite (src/staging/deps.ts), or null. */
  readonly dependencies?: string | null;
  readonly worktree: string;
  /** The commit tested, or null when it could not be read. */
  readonly commit: string | null;
  /** Why the tested tree is not exactly `commit` (uncommitted changes, HEAD moved), if so. */
  readonly commitNote: string | null;
  readonly outcome: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly durationMs: number;
  readonly timeoutMs: number;
  readonly startedAt: string;
  /** Tool errors this job has had, this run included, and the budget. */
  readonly infraAttempts: number;
  readonly infraRetries: number;
  readonly killed: number;
  readonly survivors: number | null;
  readonly logPath: string | null;
  readonly stderrLogPath: string | null;
  readonly tails: BoundedTails;
  /** Another suite runner's names (the test runner's): heading, writer, suite, verdict key. @default the staging runner's */
  readonly title?: string;
  readonly producer?: string;
  readonly suite?: string;
  readonly verdictKey?: string;
}

/** A code span that no backtick inside `text` can close; line breaks become spaces. */
function code(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

function block(title: string, text: string, cut: boolean, fullLog: string | null): string[] {
  if (text === '') return [`${title}: (empty)`, ''];
  const note = cut ? ` (the end only${fullLog ? `; the whole output is in ${code(fullLog)}` : ''})` : '';
  return [`${title}${note}:`, '', '~~~text', text, '~~~', ''];
}

/** The artifact's text. Pure; every field must already be masked. */
export function renderStagingLog(log: StagingLog): string {
  const ended = log.outcome === 'exited' ? `exited with code ${log.exitCode}` : `${log.outcome}${log.signal ? ` (${log.signal})` : ''}${log.exitCode === null ? '' : `, exit code ${log.exitCode}`}`;
  const commit = log.commit === null ? 'unknown' : code(log.commit);
  const lines = [
    `# ${log.title ?? 'Staging log'}: task ${log.taskId}`,
    '',
    `Written by ${log.producer ?? "orch's staging runner"} (deterministic, no LLM): the ${log.suite ?? 'staging suite'} ran in the task`,
    'worktree and its exit code decides the verdict.',
    '',
    `- Verdict: **${log.status}**${log.failClosed ? ' (failed closed: the suite could not be run)' : ''}. ${oneLine(log.reason)}`,
    `- Command: ${code(quote([...log.command]))} (from ${log.commandSource})`,
    ...(log.dependencies ? [`- Dependencies: ${oneLine(log.dependencies.replace(/^dependencies: /, ''))}`] : []),
    `- Commit: ${commit}${log.commitNote ? ` (${oneLine(log.commitNote)})` : ''}`,
    `- Worktree: ${code(log.worktree)}`,
    `- Ended: ${ended}`,
    `- Duration: ${(log.durationMs / 1000).toFixed(3)} s (timeout ${log.timeoutMs / 1000} s), started ${log.startedAt}`,
    `- Attempt: job ${log.jobId}, attempt ${log.jobAttempt}; tool errors ${log.infraAttempts} (budget ${log.infraRetries} deferred re-runs)`,
    `- Leftover processes killed: ${log.killed}; survivors: ${log.survivors ?? 'not counted'}`,
    '',
    '## Output',
    '',
    ...block('stdout', log.tails.stdout, log.tails.stdoutCut, log.logPath),
    ...block('stderr', log.tails.stderr, log.tails.stderrCut, log.stderrLogPath),
    '## Verdict',
    '',
    `${log.verdictKey ?? VERDICT_KEY}: ${log.status}`,
    '',
  ];
  return lines.join('\n');
}
