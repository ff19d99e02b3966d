// How the reserved agents run a configured command: in the task worktree, without a shell, under
// the process-group runner, with the job's marker (so the reaper can find it) and the task in env.
import { join } from 'node:path';
import type { RunContext } from '../launcher/types.ts';
import { runInGroup, type RunResult } from '../proc/index.ts';

export async function runTaskCommand(ctx: RunContext, argv: readonly string[], timeoutS: number, logName: string): Promise<RunResult> {
  const [file, ...args] = argv;
  return runInGroup({
    file: file as string,
    args,
    cwd: ctx.worktree,
    timeoutMs: Math.round(timeoutS * 1000),
    logPath: join(ctx.taskDir, 'logs', `job-${ctx.job.id}-${logName}.log`),
    ...ctx.proc,
    env: {
      ...ctx.proc.env,
      ORCH_TASK_ID: String(ctx.task.id),
      ORCH_STAGE: ctx.job.stage,
      ORCH_BRANCH: ctx.task.branch,
      ORCH_WORKTREE: ctx.worktree,
    },
  });
}

/** One line for a command's end: `exit 0`, `timed out after 5 s`, `could not start: ENOENT`. */
export function describeCommandEnd(result: RunResult, timeoutS: number): string {
  switch (result.outcome) {
    case 'exited':
      return `exit ${result.exitCode}`;
    case 'timeout':
      return `timed out after ${timeoutS} s (tree killed: ${result.killed} process(es))`;
    case 'signaled':
      return `killed by ${result.signal} (not sent by orch)`;
    case 'cancelled':
      return 'cancelled by orch';
    case 'spawn-error':
      return `could not start: ${result.error?.code ?? ''} ${result.error?.message ?? ''}`.trim();
  }
}

/** The last lines of a command's output for an artifact (the full output is in the log). */
export function outputTail(result: RunResult, maxChars = 4_000): string {
  const both = [result.stdoutTail, result.stderrTail].filter((t) => t.trim() !== '').join('\n');
  return both.length > maxChars ? `...${both.slice(-maxChars)}` : both;
}
