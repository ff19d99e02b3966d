import { describe, expect, it } from 'vitest';
import { shellExitCode, type RunResult } from '../../src/proc/result.ts';

function result(fields: Partial<RunResult>): RunResult {
  return { outcome: 'exited', exitCode: 0, signal: null, error: null, ...fields } as RunResult;
}

describe('shellExitCode: what `orch exec` exits with', () => {
  it.each([
    ['the exit code of an exited command', result({ exitCode: 3 }), 3],
    ['124 on timeout', result({ outcome: 'timeout', exitCode: null, signal: 'SIGTERM' }), 124],
    ['128+n for a signal orch did not send', result({ outcome: 'signaled', exitCode: null, signal: 'SIGKILL' }), 137],
    ['127 for a command not found', result({ outcome: 'spawn-error', exitCode: null, error: { code: 'ENOENT', message: '' } }), 127],
    ['126 for a file that is not executable', result({ outcome: 'spawn-error', exitCode: null, error: { code: 'EACCES', message: '' } }), 126],
    ['125 when orch itself failed', result({ outcome: 'spawn-error', exitCode: null, error: { code: 'ORCH_PROC_FAILED', message: '' } }), 125],
  ])('%s', (_name, r, code) => {
    expect(shellExitCode(r)).toBe(code);
  });

  it('128+n of the signal orch was stopped by, for a cancelled run', () => {
    expect(shellExitCode(result({ outcome: 'cancelled', exitCode: null }), 'SIGINT')).toBe(130);
    expect(shellExitCode(result({ outcome: 'cancelled', exitCode: null }))).toBe(143);
  });
});
