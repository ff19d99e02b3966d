// Heartbeats off a terminal, on fake timers and an injected clock: `still running: staging: npm test 2m30s, log PATH`.
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createProgress } from '../../src/stage/progress.ts';
import { formatElapsed, stillRunning } from '../../src/util/still-running.ts';

let clock = 0;
const now = () => clock;
beforeEach(() => {
  vi.useFakeTimers();
  clock = 0;
});
afterEach(() => vi.useRealTimers());

/** Move the fake timers and the injected clock together. */
function advance(ms: number): void {
  for (let left = ms; left > 0; left -= 1000) {
    clock += Math.min(1000, left);
    vi.advanceTimersByTime(Math.min(1000, left));
  }
}

describe('formatElapsed', () => {
  it('reads like a person would say it', () => {
    expect([0, 42_900, 150_000, 3_723_000].map(formatElapsed)).toEqual(['0s', '42s', '2m30s', '1h02m03s']);
  });
});

describe('stillRunning', () => {
  it('one line per interval with the elapsed time, the log once a process started, nothing after stop', () => {
    const lines: string[] = [];
    const beat = stillRunning({ label: 'suite', write: (l) => lines.push(l), intervalMs: 30_000, now, showCommand: true });
    advance(29_000);
    expect(lines).toEqual([]);
    advance(1_000);
    expect(lines).toEqual(['still running: suite 30s']);
    beat.spawned({ logPath: '/logs/suite.log', command: 'npm test' });
    advance(150_000);
    expect(lines.slice(-1)).toEqual(['still running: suite: npm test 2m30s, log /logs/suite.log']);
    expect(lines).toHaveLength(6);
    beat.stop();
    advance(120_000);
    expect(lines).toHaveLength(6);
  });
});

describe('orch stage progress off a terminal', () => {
  it('busy prints its line, then a heartbeat every interval until the next step', () => {
    const chunks: string[] = [];
    const stream = Object.assign(new Writable({ write: (c, _e, done) => (chunks.push(String(c)), done()) }), { isTTY: false });
    const p = createProgress(stream, 0, { heartbeatMs: 30_000, now });
    p.busy('running the staging suite, then the merge gate (job 1)');
    advance(10_000);
    p.spawned({ logPath: '/h/runs/install/i.stdout.log', command: 'npm ci --no-audit --no-fund --prefer-offline --loglevel=error --ignore-scripts=false' });
    advance(30_000);
    p.spawned({ logPath: '/h/runs/staging/x.stdout.log', command: 'npm test' });
    advance(120_000);
    p.step('staging: PASSED (exit 0)');
    advance(60_000);
    p.stop();
    const lines = chunks.join('').trim().split('\n');
    expect(lines[0]).toBe('orch stage [0.0s] running the staging suite, then the merge gate (job 1)');
    expect(lines.slice(1, -1)).toEqual([
      // The install, then the suite: each line names what runs now.
      'orch stage [30.0s] still running: staging: npm ci --no-audit --no-fund --prefer-offline --loglevel=err… 20s, log /h/runs/install/i.stdout.log',
      'orch stage [60.0s] still running: staging: npm test 20s, log /h/runs/staging/x.stdout.log',
      'orch stage [90.0s] still running: staging: npm test 50s, log /h/runs/staging/x.stdout.log',
      'orch stage [120.0s] still running: staging: npm test 1m20s, log /h/runs/staging/x.stdout.log',
      'orch stage [150.0s] still running: staging: npm test 1m50s, log /h/runs/staging/x.stdout.log',
    ]);
    expect(lines.at(-1)).toBe('orch stage [160.0s] staging: PASSED (exit 0)');
  });
});
