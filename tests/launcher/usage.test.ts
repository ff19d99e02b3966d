import { describe, expect, it } from 'vitest';
import { agentRunFields } from '../../src/launcher/transport.ts';
import { parseUsage } from '../../src/launcher/usage.ts';
import type { RunResult } from '../../src/proc/index.ts';

describe('parseUsage', () => {
  it.each([
    ['one JSON object', '{"usage":{"input_tokens":120,"output_tokens":30},"total_cost_usd":0.25,"model":"m-1"}', { tokensIn: 120, tokensOut: 30, costUsd: 0.25, model: 'm-1' }],
    ['the last JSON line of a stream', 'progress\n{"type":"step"}\n{"type":"result","usage":{"input_tokens":5,"output_tokens":7},"total_cost_usd":0.5}\n', { tokensIn: 5, tokensOut: 7, costUsd: 0.5, model: null }],
    ['cost only', '{"total_cost_usd": 1.5}', { tokensIn: null, tokensOut: null, costUsd: 1.5, model: null }],
    ['negative and non-numeric values are dropped', '{"usage":{"input_tokens":-1,"output_tokens":"9"},"model":"x"}', { tokensIn: null, tokensOut: null, costUsd: null, model: 'x' }],
  ])('reads %s', (_what, stdout, usage) => {
    expect(parseUsage(stdout)).toEqual(usage);
  });

  it.each([['plain text', 'done\n'], ['an array', '[1,2]'], ['JSON without usage', '{"result":"ok"}'], ['nothing', '']])('gives null for %s', (_what, stdout) => {
    expect(parseUsage(stdout)).toBeNull();
  });
});

const run = (over: Partial<RunResult>): RunResult => ({
  outcome: 'exited', exitCode: 0, signal: null, durationMs: 5, stdoutTail: '', stderrTail: '', stdoutBytes: 0, stderrBytes: 0,
  logPath: '/l/x.log', stderrLogPath: '/l/x.stderr.log', killed: 0, survivors: 0, pid: 1, runId: 'r', startedAt: '', treeKill: true,
  command: ['agent'], error: null, ...over,
});

describe('agentRunFields: how a run ends as a job result', () => {
  it.each([
    [{ outcome: 'exited', exitCode: 0 }, 'ok', 'agent exited 0'],
    [{ outcome: 'exited', exitCode: 3 }, 'failed', 'agent exited with code 3'],
    [{ outcome: 'timeout', exitCode: null, signal: 'SIGTERM', killed: 2 }, 'failed', 'agent timed out after 30 s (ORCH_AGENT_TIMEOUT_S); 2 process(es) of its tree killed'],
    [{ outcome: 'signaled', exitCode: null, signal: 'SIGSEGV' }, 'failed', 'agent died from SIGSEGV that orch did not send'],
    [{ outcome: 'cancelled', exitCode: null }, 'cancelled', 'agent stopped by orch (shutdown or lost lease)'],
    [{ outcome: 'spawn-error', exitCode: null, error: { code: 'ENOENT', message: 'not found' } }, 'failed', 'agent could not start (ORCH_AGENT_CMD "agent"): ENOENT not found'],
  ] as const)('%o -> %s', (over, status, reason) => {
    const fields = agentRunFields(run(over as Partial<RunResult>), 30);
    expect(fields.status).toBe(status);
    expect(fields.reason).toBe(reason);
  });

  it('keeps a masked stderr tail for failures only', () => {
    process.env.ORCH_TEST_API_TOKEN = 'tok-123456';
    try {
      expect(agentRunFields(run({ exitCode: 1, stderrTail: 'auth tok-123456 refused' }), 1).detail?.stderrTail).toBe('auth *** refused');
      expect(agentRunFields(run({ stderrTail: 'noise' }), 1).detail).not.toHaveProperty('stderrTail');
    } finally {
      delete process.env.ORCH_TEST_API_TOKEN;
    }
  });
});
