// The one way orch runs git: `git -C <repo> ...` through execa, never through a shell, with
// prompts and pagers off so a call can never wait for a human.
import { execa } from 'execa';
import { ERROR_CODES, OrchError } from '../errors.ts';

export interface GitResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Environment for every git call: no terminal prompts, no pager, messages in English. */
const GIT_ENV = Object.freeze({ GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' });

/** Run git in `repo` (or without -C when repo is null); the result is data, whatever the exit code. */
export async function runGit(repo: string | null, args: readonly string[], options: { timeoutMs?: number } = {}): Promise<GitResult> {
  const argv = repo === null ? [...args] : ['-C', repo, ...args];
  const result = await execa('git', argv, {
    reject: false,
    shell: false,
    stdin: 'ignore',
    env: GIT_ENV,
    timeout: options.timeoutMs ?? 30_000,
    stripFinalNewline: true,
    // A git call is short and must not be cut in half: killed mid-write it leaves index.lock or a
    // half-made worktree behind. So orch's own exit does not kill it (execa's `cleanup`, which
    // also costs a set of signal listeners per call); the timeout above still does.
    cleanup: false,
  });
  if (result.exitCode === undefined) {
    // git could not be started at all (not installed, bad cwd): that is a fault, not an answer.
    throw new OrchError(ERROR_CODES.GIT_FAILED, `git ${argv.join(' ')} could not run: ${result.shortMessage ?? result.message}`, {
      cause: result,
      retryable: true,
    });
  }
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Run git and return stdout; a non-zero exit is an ORCH_GIT_FAILED error naming the command. */
export async function git(repo: string | null, args: readonly string[]): Promise<string> {
  const result = await runGit(repo, args);
  if (result.exitCode !== 0) {
    const where = repo === null ? '' : ` in ${repo}`;
    const why = result.stderr.split('\n')[0] || `exit code ${result.exitCode}`;
    throw new OrchError(ERROR_CODES.GIT_FAILED, `git ${args.join(' ')} failed${where}: ${why}`, { cause: result });
  }
  return result.stdout;
}
