import { describe, expect, it } from 'vitest';
import { commandProblem, parseCommandLine } from '../../src/config/command.ts';
import { loadConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/errors.ts';

const load = (env: Record<string, string>) => loadConfig({ env, envFile: false });

describe('command keys (ORCH_AGENT_CMD, ORCH_DEPLOY_CMD, ORCH_MONITOR_CMD)', () => {
  it.each([
    ['claude -p --output-format json', ['claude', '-p', '--output-format', 'json']],
    [`"/opt/my agent/bin" --flag='a b' c\\ d`, ['/opt/my agent/bin', '--flag=a b', 'c d']],
    ['env FOO=1 agent', ['env', 'FOO=1', 'agent']],
  ])('splits %s with shell-word rules', (text, argv) => {
    expect(parseCommandLine(text)).toEqual(argv);
  });

  it.each([
    ['agent | tee log', 'it contains the shell operator |'],
    ['agent && rm x', 'it contains the shell operator &&'],
    ['agent; rm x', 'it contains the shell operator ;'],
    ['agent > out', 'it contains the shell operator >'],
    ['agent *.md', 'it contains the glob *.md'],
    ['agent $HOME', 'it uses $HOME: a substitution needs a shell'],
    ['agent $(id)', 'it uses $(...): a substitution needs a shell'],
    ['agent `id`', 'it contains a backtick: command substitution needs a shell'],
    ['agent # note', 'it contains a # comment'],
    ['FOO=1 agent', 'it starts with the assignment FOO=1: use `env FOO=1 ...`'],
  ])('refuses %s: %s', (text, problem) => {
    expect(commandProblem(text)).toBe(problem);
  });

  it('a bad command stops startup with an error naming the key, the value and what is allowed', () => {
    expect(() => load({ ORCH_AGENT_CMD: 'claude | tee x' })).toThrow(ConfigError);
    expect(() => load({ ORCH_AGENT_CMD: 'claude | tee x' })).toThrow(/^ORCH_AGENT_CMD="claude \| tee x" is invalid: a command line split with shell-word rules/);
    expect(() => load({ ORCH_AGENT_CMD: '  ' })).toThrow(/^ORCH_AGENT_CMD="  " is invalid/);
    expect(() => load({ ORCH_DEPLOY_CMD: 'deploy.sh *' })).toThrow(/^ORCH_DEPLOY_CMD="deploy.sh \*" is invalid: empty \(nothing is run\) or a command line/);
  });

  it('the deploy and monitor commands may be empty; the agent command may not', () => {
    const config = load({});
    expect(config.ORCH_DEPLOY_CMD).toEqual([]);
    expect(config.ORCH_MONITOR_CMD).toEqual([]);
    expect(config.ORCH_AGENT_CMD).toEqual(['claude', '-p', '--output-format', 'json']);
  });
});

// The merge re-test and the staging suite have deadlines of their own (900 s by default): keep them
// out of the way so each case speaks about the key it names.
const SHORT_GATES = { ORCH_MERGE_RETEST_TIMEOUT_S: '30', ORCH_STAGING_RUNNER_TIMEOUT_S: '30' };

describe('ORCH_REAPER_MAX_RUNNING_S', () => {
  it('must exceed the longest command deadline plus the kill grace, naming both keys', () => {
    expect(() => load({ ...SHORT_GATES, ORCH_REAPER_MAX_RUNNING_S: '100', ORCH_AGENT_TIMEOUT_S: '100', ORCH_KILL_GRACE_S: '5', ORCH_DEPLOY_TIMEOUT_S: '60', ORCH_MONITOR_PROBES: '1' })).toThrow(
      'ORCH_REAPER_MAX_RUNNING_S=100 is invalid: must be more than 105 s (ORCH_AGENT_TIMEOUT_S = 100 s plus ORCH_KILL_GRACE_S = 5 s), or the reaper would kill jobs still within their deadline',
    );
    expect(() => load({ ...SHORT_GATES, ORCH_REAPER_MAX_RUNNING_S: '100', ORCH_AGENT_TIMEOUT_S: '60', ORCH_DEPLOY_TIMEOUT_S: '60', ORCH_MONITOR_PROBES: '3', ORCH_MONITOR_TIMEOUT_S: '30', ORCH_MONITOR_INTERVAL_S: '10' })).toThrow(/ORCH_MONITOR_PROBES x ORCH_MONITOR_TIMEOUT_S \+ intervals = 110 s/);
    expect(() => load({ ORCH_REAPER_MAX_RUNNING_S: '200', ORCH_AGENT_TIMEOUT_S: '60', ORCH_DEPLOY_TIMEOUT_S: '60', ORCH_MERGE_RETEST_TIMEOUT_S: '30', ORCH_STAGING_RUNNER_TIMEOUT_S: '300' })).toThrow(
      'ORCH_REAPER_MAX_RUNNING_S=200 is invalid: must be more than 305 s (ORCH_STAGING_RUNNER_TIMEOUT_S = 300 s plus ORCH_KILL_GRACE_S = 5 s), or the reaper would kill jobs still within their deadline',
    );
    expect(load({ ...SHORT_GATES, ORCH_REAPER_MAX_RUNNING_S: '106', ORCH_AGENT_TIMEOUT_S: '100', ORCH_KILL_GRACE_S: '5', ORCH_DEPLOY_TIMEOUT_S: '60', ORCH_MONITOR_PROBES: '1' }).ORCH_REAPER_MAX_RUNNING_S).toBe(106);
  });
});
