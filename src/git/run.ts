// The one way orch runs git: `git -C <repo> ...` as a plain child process, never through a shell,
// with prompts and pagers off so a call can never wait for a human. node:child_process directly,
// not execa: a stage makes a few dozen git calls, and execa's per-call machinery cost more CPU
// than git itself (docs/stage.md, "Overhead"). A git call is short and must not be cut in half:
// killed mid-write it leaves index.lock or a half-made worktree behind, so orch's own exit does not
// kill it (nothing here does, as execa's `cleanup` would); only its timeout does.
import { spawn } from 'node:child_process';
import { ERROR_CODES, OrchError } from '../errors.ts';

export interface GitResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Environment for every git call: no terminal prompts, no pager, messages in English. */
const GIT_ENV = Object.freeze({ GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' });

/** Output kept per stream; git answers orch asks for are small, a runaway one is cut off and refused. */
const MAX_OUTPUT_BYTES = 100 * 1024 * 1024;
/** After the timeout's SIGTERM, a git that is still alive gets SIGKILL this much later. */
const FORCE_KILL_MS = 5_000;

/** The text without one final newline (`\n` or `\r\n`), as git's answers are compared. */
function stripFinalNewline(text: string): string {
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/** Run git in `repo` (or without -C when repo is null); the result is data, whatever the exit code. */
export function runGit(repo: string | null, args: readonly string[], options: { timeoutMs?: number } = {}): Promise<GitResult> {
  const argv = repo === null ? [...args] : ['-C', repo, ...args];
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolvePromise, reject) => {
    // git could not be started, was killed (timeout) or flooded us: a fault, not an answer.
    const fault = (why: string, cause?: unknown) =>
      reject(new OrchError(ERROR_CODES.GIT_FAILED, `git ${argv.join(' ')} could not run: ${why}`, { cause, retryable: true }));
    const child = spawn('git', argv, { shell: false, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...GIT_ENV } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let bytes = 0;
    let problem: string | null = null;
    let forceKill: NodeJS.Timeout | undefined;
    const stop = (why: string) => {
      if (problem !== null) return;
      problem = why;
      child.kill('SIGTERM');
      forceKill = setTimeout(() => child.kill('SIGKILL'), FORCE_KILL_MS);
      forceKill.unref();
    };
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_OUTPUT_BYTES) stop(`its output passed ${MAX_OUTPUT_BYTES} bytes`);
      else into.push(chunk);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    const timer = setTimeout(() => stop(`timed out after ${timeoutMs} ms`), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      clearTimeout(forceKill);
      fault(error.message, error);
    });
    // Killed (timeout, flood): its exit is the end; a child git left holding the pipes must not keep us.
    child.once('exit', () => {
      if (problem === null) return;
      clearTimeout(timer);
      clearTimeout(forceKill);
      child.stdout.destroy();
      child.stderr.destroy();
      fault(problem);
    });
    // 'close': the process has exited AND its output streams are drained.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(forceKill);
      const stdout = stripFinalNewline(Buffer.concat(out).toString('utf8'));
      const stderr = stripFinalNewline(Buffer.concat(err).toString('utf8'));
      if (problem !== null) return; // already refused at its exit
      if (code === null) return fault(`killed by ${signal ?? 'a signal'}`, { stdout, stderr });
      resolvePromise({ exitCode: code, stdout, stderr });
    });
  });
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
