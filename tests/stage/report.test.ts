// The pure parts of orch stage: the verdict from what the store recorded, the staging block from
// a recorded run, the exit code of each verdict, and progress lines (spinner only on a TTY).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { createProgress } from '../../src/stage/progress.ts';
import { STAGE_EXIT } from '../../src/cli/exit.ts';
import { logToRead, stagingBlock, verdictOf, type EndFacts, type MergeGateBlock, type StagingBlock } from '../../src/stage/report.ts';

const run = (result: 'passed' | 'failed' | 'deferred' | 'exhausted', extra = {}) => ({ result, reason: 'r', cause: null, exitCode: 0, durationMs: 5, infraAttempt: null, notBefore: null, line: null, logPath: null, stderrLogPath: null, ...extra });
const passed = stagingBlock(run('passed'), '/a/15-staging-log.md', 0);
const gate = (over: Partial<MergeGateBlock>): MergeGateBlock => ({ skippedRetest: true, retest: null, classification: 'pass', action: 'mergeable', merged: false, baseBefore: 'a', baseAfter: 'a', reason: 'ok', log: null, ...over });
const facts = (over: Partial<EndFacts>): EndFacts => ({ stageBefore: 'deploy-staging', stageAfter: 'deploy-staging', taskState: 'active', staging: passed, mergeGate: null, waiting: false, merge: false, ...over });

test('stagingBlock maps each recorded result', () => {
  expect(passed).toMatchObject({ outcome: 'executed', status: 'PASSED', artifact: '/a/15-staging-log.md', attempt: 1, deferred: false });
  expect(stagingBlock(run('failed', { exitCode: 1 }), '/x', 0)).toMatchObject({ outcome: 'executed', status: 'FAILED', exitCode: 1 });
  expect(stagingBlock(run('deferred', { cause: 'timeout', exitCode: 124, infraAttempt: 2 }), '/x', 1)).toMatchObject({ outcome: 'tool-error', status: null, timedOut: true, deferred: true, artifact: null, attempt: 2 });
  expect(stagingBlock(run('exhausted', { exitCode: 127 }), '/x', 3)).toMatchObject({ outcome: 'tool-error', status: 'FAILED', deferred: false, attempt: 4 });
});

test('the log to read is the one with output: stderr, else stdout (uvu reports failures on stdout)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orch-stage-logs-'));
  try {
    const out = join(dir, 'run.stdout.log');
    const err = join(dir, 'run.stderr.log');
    expect(logToRead(out, err)).toBe(err); // neither written yet: the stderr path, as before
    writeFileSync(out, 'FAIL "two hours"\n');
    writeFileSync(err, '');
    expect(logToRead(out, err)).toBe(out);
    expect(stagingBlock(run('failed', { exitCode: 1, logPath: out, stderrLogPath: err }), '/x', 0).log).toBe(out);
    expect(logToRead(out, null)).toBe(out); // the re-test records only stdout; its stderr lies beside it
    writeFileSync(err, 'sh: 1: uvu: not found\n');
    expect(logToRead(out, err)).toBe(err);
    expect(logToRead(out, null)).toBe(err);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('verdictOf', () => {
  const failClosed: StagingBlock = stagingBlock(run('exhausted', { exitCode: 127 }), '/x', 0);
  test.each<[string, Partial<EndFacts>, string]>([
    ['merged and moved to deploy', { merge: true, stageAfter: 'deploy', mergeGate: gate({ action: 'merge', merged: true, baseAfter: 'b' }) }, 'advanced'],
    ['mergeable without --merge', { mergeGate: gate({}), waiting: true }, 'advanced'],
    ['mergeable again without --merge, no staging run (already passed on this commit)', { staging: null, mergeGate: gate({}), waiting: true }, 'advanced'],
    ['red staging rolled back', { stageAfter: 'development', staging: stagingBlock(run('failed', { exitCode: 1 }), '/x', 0) }, 'rolled-back'],
    ['red re-test rolled back', { stageAfter: 'development', mergeGate: gate({ classification: 'red', action: 'rollback' }) }, 'rolled-back'],
    ['staging failed closed', { stageAfter: 'development', staging: failClosed }, 'failed-closed'],
    ['merge infra budget spent: blocked', { taskState: 'blocked', mergeGate: gate({ classification: 'timeout', action: 'alert' }) }, 'failed-closed'],
    ['staging deferred', { staging: stagingBlock(run('deferred', { cause: 'timeout' }), '/x', 0), waiting: true }, 'deferred'],
    ['merge re-test timed out', { merge: true, mergeGate: gate({ classification: 'timeout', action: 'infra-retry' }), waiting: true }, 'deferred'],
    ['mergeable but --merge asked and nothing moved', { merge: true, mergeGate: gate({}) }, 'deferred'],
  ])('%s -> %s', (_name, over, verdict) => {
    expect(verdictOf(facts(over)).verdict).toBe(verdict);
  });

  test('exit codes: 0 advanced, 1 rolled back or failed closed, 75 deferred', () => {
    expect(STAGE_EXIT).toEqual({ advanced: 0, 'rolled-back': 1, 'failed-closed': 1, deferred: 75 });
  });
});

test('progress: one line per step off a TTY, a spinner only on a TTY', () => {
  const sink = (tty: boolean) => {
    const chunks: string[] = [];
    const stream = Object.assign(new Writable({ write: (c, _e, done) => (chunks.push(String(c)), done()) }), { isTTY: tty });
    return { stream, chunks };
  };
  const plain = sink(false);
  const p = createProgress(plain.stream);
  p.busy('running the suite');
  p.step('staging: PASSED');
  p.stop();
  expect(plain.chunks.join('')).toMatch(/^orch stage \[\d+\.\ds\] running the suite\norch stage \[\d+\.\ds\] staging: PASSED\n$/);
  const tty = sink(true);
  const t = createProgress(tty.stream);
  t.busy('running the suite');
  t.step('done');
  expect(tty.chunks.join('')).toMatch(/^\r\x1b\[Korch stage \[\d+\.\ds\] \| running the suite\r\x1b\[Korch stage \[\d+\.\ds\] done\n$/);
});
