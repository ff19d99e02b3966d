// TC-09: each of the five kill-switches, off, gives back the behaviour from before the gate
// (SPEC §7): one test per switch, the others left on.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mergeGateBlock } from '../../src/merge/counters.ts';
import type { PipelineEnv } from '../helpers/pipeline.ts';
import { killHolders, markerHolders } from '../../fixtures/proc/marker-scan.ts';
import { alive, FAST_ENV, gate, jobSummary, killAll, mergeEnv, pidsFrom, stagedTask, suite } from './helpers.ts';

let e: PipelineEnv | undefined;
let scratch: string | undefined;
const pids: number[] = [];
// With the tree kill off, a hanging suite's grandchildren outlive the run by design, and may write
// their PIDs after the test read the file: every process of this file's suites carries this
// marker, and afterEach kills whatever still holds it, by PID.
// (Not an ORCH_* name: orch strips those from a suite's environment.)
const MARKER = ['MERGE_SWITCHES_TEST_MARKER', randomUUID()] as const;
process.env[MARKER[0]] = MARKER[1];
afterEach(async () => {
  killAll(pids.splice(0));
  killHolders(...MARKER);
  await e?.cleanup();
  e = undefined;
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});
const pidFile = () => join((scratch = mkdtempSync(join(tmpdir(), 'orch-switch-'))), 'pids');

describe('merge gate kill-switches (TC-09)', () => {
  it('TC-09 ORCH_SUBPROCESS_TREE_KILL_ENABLED=false: plain execa timeout, the orphans survive (as before)', async () => {
    const file = pidFile();
    e = await mergeEnv({ ORCH_SUBPROCESS_TREE_KILL_ENABLED: 'false', ORCH_MERGE_RETEST_CMD: suite('merge-hang.sh', file), ORCH_MERGE_RETEST_TIMEOUT_S: '0.3' });
    const id = await stagedTask(e);
    const { detail } = await gate(e, id);
    pids.push(...pidsFrom(file));
    expect(detail).toMatchObject({ classification: 'timeout', retest: { outcome: 'timeout', treeKill: false } });
    expect(detail.retest?.survivors).toBeGreaterThan(0);
    expect(pids.slice(1).filter(alive).length).toBeGreaterThan(0);
    expect(markerHolders(...MARKER).length).toBeGreaterThan(0);
  });

  it('TC-09 ORCH_MERGE_CLASSIFY_ENABLED=false: a lock-busy re-test is a plain failure and rolls back', async () => {
    e = await mergeEnv({ ORCH_MERGE_CLASSIFY_ENABLED: 'false', ORCH_MERGE_RETEST_CMD: suite('merge-lock-busy.sh') });
    const id = await stagedTask(e);
    const { result, detail } = await gate(e, id);
    expect(result).toMatchObject({ outcome: 'rolled-back', to: 'development' });
    expect(detail).toMatchObject({ classification: 'red', classified: false, action: 'rollback', reason: 're-test did not pass (exited, exit 1, signal none)' });
  });

  it('TC-09 ORCH_MERGE_INFRA_RETRY_ENABLED=false: a timed-out re-test rolls back, the old misrouting', async () => {
    const file = pidFile();
    e = await mergeEnv({ ORCH_MERGE_INFRA_RETRY_ENABLED: 'false', ORCH_MERGE_RETEST_CMD: suite('merge-hang.sh', file), ORCH_MERGE_RETEST_TIMEOUT_S: '0.3' });
    const id = await stagedTask(e);
    const { result, detail } = await gate(e, id);
    pids.push(...pidsFrom(file));
    expect(result).toMatchObject({ outcome: 'rolled-back', to: 'development' });
    expect(detail).toMatchObject({ classification: 'timeout', class: 'infra', action: 'rollback' });
    expect(await jobSummary(e, id)).toEqual(['deploy-staging:deployer:succeeded', 'development:developer:queued']);
  });

  it('TC-09 ORCH_MERGE_RETEST_SKIP_WHEN_CURRENT=false: a proven no-op on the validated HEAD is re-tested anyway', async () => {
    e = await mergeEnv({ ORCH_MERGE_RETEST_SKIP_WHEN_CURRENT: 'false', ORCH_MERGE_RETEST_CMD: suite('merge-red.sh') });
    const id = await stagedTask(e, { validatedSha: await e.repo.git('rev-parse', e.repo.branch) });
    const { result, detail } = await gate(e, id);
    expect(result.outcome).toBe('rolled-back');
    expect(detail).toMatchObject({ skippedRetest: false, skipReason: 're-test: ORCH_MERGE_RETEST_SKIP_WHEN_CURRENT is off', retest: { exitCode: 1 } });
  });

  it('TC-09 ORCH_MERGE_METRICS_ENABLED=false: no counters, the gate itself unchanged', async () => {
    e = await mergeEnv({ ORCH_MERGE_METRICS_ENABLED: 'false' });
    const id = await stagedTask(e);
    expect((await gate(e, id)).result.outcome).toBe('advanced');
    const block = await mergeGateBlock(e.store, e.config);
    expect(block).toMatchObject({ counters: null, retest_timeout_s: Number(FAST_ENV.ORCH_MERGE_RETEST_TIMEOUT_S), switches: { metrics: false, classify: true, infraRetry: true, skipWhenCurrent: true, treeKill: true } });
    const on = await mergeGateBlock(e.store, { ...e.config, ORCH_MERGE_METRICS_ENABLED: true });
    expect(on.counters).toEqual({ retests: 1, skipped: 0, passed: 1, red: 0, timeout: 0, lock_busy: 0, other: 0, infra_retries: 0, exhausted: 0, merged: 1, rollbacks: 0, lock_waits: 0, lock_wait_ms: 0, locks_broken: 0 });
  });
});
