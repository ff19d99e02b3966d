// The one line that says why a suite run did not pass (issue 13.3): what a person needs on stderr
// without opening the log. The missing program of a 127 comes from the output itself (`sh: 1:
// uvu: not found` -> `uvu: not found`); a timeout names its limit; a signal names itself.
import type { RunResult } from '../proc/index.ts';

const NOT_FOUND = /(?:not found|No such file or directory|command not found|cannot find module)/i;

function lastMatching(text: string, pattern: RegExp): string | null {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  for (let i = lines.length - 1; i >= 0; i--) if (pattern.test(lines[i] ?? '')) return lines[i] ?? null;
  return null;
}

/** `sh: 1: uvu: not found` -> `uvu: not found`; `/bin/sh: uvu: command not found` -> `uvu: command not found`. */
export function stripShellPrefix(line: string): string {
  return line.replace(/^(?:\S*\/)?(?:sh|bash|dash|zsh):\s*(?:line\s+)?(?:\d+:\s*)?/, '');
}

/** Why this run did not pass, in one line; null for a run that exited 0. */
export function causeLine(result: Pick<RunResult, 'outcome' | 'exitCode' | 'signal' | 'error' | 'stdoutTail' | 'stderrTail'>, timeoutMs?: number): string | null {
  switch (result.outcome) {
    case 'exited': {
      if (result.exitCode === 0) return null;
      if (result.exitCode === 127 || result.exitCode === 126) {
        const line = lastMatching(result.stderrTail, NOT_FOUND) ?? lastMatching(result.stdoutTail, NOT_FOUND);
        if (line !== null) return stripShellPrefix(line);
        return result.exitCode === 127 ? 'exit 127: a command of the suite was not found' : 'exit 126: a command of the suite is not executable';
      }
      return `the suite exited with code ${result.exitCode ?? 'none'}`;
    }
    case 'timeout':
      return timeoutMs === undefined ? 'timeout: the process tree was killed' : `timeout after ${Number((timeoutMs / 1000).toFixed(3))} s`;
    case 'signaled':
      return `killed by ${result.signal ?? 'a signal'}`;
    case 'spawn-error':
      return result.error?.message ?? 'the suite could not be started';
    case 'cancelled':
      return 'cancelled by orch';
  }
}
