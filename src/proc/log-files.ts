// Where a run's output goes. The child gets the log files' descriptors as its stdout and stderr,
// so orch never holds a pipe it would have to drain, and a grandchild that keeps the descriptor
// open cannot keep the run from completing.
import { closeSync, fstatSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface LogFile {
  readonly path: string;
  readonly fd: number;
  /** Size before this run: the run's output starts here (files are appended to, never truncated). */
  readonly offset: number;
}

export interface LogPaths {
  readonly stdout: string;
  readonly stderr: string;
}

export interface LogPair {
  readonly stdout: LogFile;
  readonly stderr: LogFile;
  /** Close orch's copies of the descriptors (once the child has its own); safe to call twice. */
  close(): void;
}

/** `x.log` -> `x.stderr.log`; any other name gets `.stderr.log` appended. */
export function stderrPathFor(stdoutPath: string): string {
  return stdoutPath.endsWith('.log') ? `${stdoutPath.slice(0, -4)}.stderr.log` : `${stdoutPath}.stderr.log`;
}

/** The run's two log paths: beside an explicit `logPath`, or `<logDir>/<stem>.{stdout,stderr}.log`. */
export function logPathsFor(opts: { logPath: string | null; logDir: string }, stem: string): LogPaths {
  if (opts.logPath !== null) return { stdout: opts.logPath, stderr: stderrPathFor(opts.logPath) };
  return { stdout: join(opts.logDir, `${stem}.stdout.log`), stderr: join(opts.logDir, `${stem}.stderr.log`) };
}

function openLog(path: string): LogFile {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'a');
  return { path, fd, offset: fstatSync(fd).size };
}

/** Open (append) both logs; on failure nothing stays open. */
export function openLogs(paths: LogPaths): LogPair {
  const stdout = openLog(paths.stdout);
  let stderr: LogFile;
  try {
    stderr = openLog(paths.stderr);
  } catch (error) {
    closeSync(stdout.fd);
    throw error;
  }
  // A descriptor number is reused as soon as it is closed, so closing twice could close a stranger's.
  let open = true;
  const close = (): void => {
    if (!open) return;
    open = false;
    closeSync(stdout.fd);
    closeSync(stderr.fd);
  };
  return { stdout, stderr, close };
}
