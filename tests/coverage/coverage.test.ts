// TC-13: the coverage gate on testing -> deploy-staging, with a real coverage command in the task
// worktree (fixtures/suites/merge-coverage.sh writes an Istanbul coverage-summary.json).
import { afterEach, describe, expect, it } from 'vitest';
import { readCoverageSummary } from '../../src/coverage/summary.ts';
import { advance } from '../../src/pipeline/advance.ts';
import { gateResultsForTask } from '../../src/store/repos/history.ts';
import { jobsForTask } from '../../src/store/repos/jobs.ts';
import type { PipelineEnv } from '../helpers/pipeline.ts';
import { randomUUID } from 'node:crypto';
import { killHolders, markerHolders } from '../../fixtures/proc/marker-scan.ts';
import { mergeEnv, suite } from '../merge/helpers.ts';

let e: PipelineEnv | undefined;
afterEach(async () => {
  await e?.cleanup();
  e = undefined;
});

/** A task on testing with a PASSED test report, and the coverage gate set to `min` with `arg`. */
async function coverageRun(arg: string, min = '80') {
  e = await mergeEnv({ ORCH_COVERAGE_MIN: min, ORCH_COVERAGE_CMD: suite('merge-coverage.sh', arg), ORCH_MERGE_RETEST_TIMEOUT_S: '0.5' });
  const id = await e.add({ stage: 'testing' });
  e.write(id, '12-test-report.md', 'test_status: PASSED\n');
  await e.finishJobs(id);
  const result = await advance(e, id);
  const row = (await gateResultsForTask(e.store.db, id)).find((g) => g.check_id === 'check_coverage');
  return { id, result, detail: JSON.parse(row?.detail ?? '{}') };
}

describe('coverage gate (TC-13)', () => {
  it('TC-13 above the minimum passes', async () => {
    const { result, detail } = await coverageRun('91.5');
    expect(result).toMatchObject({ outcome: 'advanced', to: 'deploy-staging' });
    expect(detail).toMatchObject({ outcome: 'measured', linesPct: 91.5, min: 80, run: { exitCode: 0 } });
  });

  it('TC-13 below the minimum is a code fault: rollback to development', async () => {
    const { result } = await coverageRun('42');
    expect(result).toMatchObject({ outcome: 'rolled-back', to: 'development' });
    expect(result.reason).toBe('check_coverage: line coverage 42% is below the minimum 80%');
  });

  it('TC-13 a hanging coverage run is killed and defers (infra re-queue)', async () => {
    // Every process of the run inherits this marker (not ORCH_*: those are kept from suites), so an
    // independent scan finds any survivor.
    const marker = randomUUID();
    process.env.MERGE_TEST_MARKER = marker;
    let run: Awaited<ReturnType<typeof coverageRun>>;
    try {
      run = await coverageRun('hang');
    } finally {
      delete process.env.MERGE_TEST_MARKER;
    }
    const { id, result, detail } = run;
    const survivors = markerHolders('MERGE_TEST_MARKER', marker);
    killHolders('MERGE_TEST_MARKER', marker);
    expect(survivors).toEqual([]);
    expect(result).toMatchObject({ outcome: 'deferred', to: 'testing' });
    expect(detail).toMatchObject({ outcome: 'timeout', class: 'infra', infraRetry: { attempt: 1 }, run: { outcome: 'timeout', survivors: 0 } });
    expect((await jobsForTask(e!.store.db, id)).map((j) => `${j.agent}:${j.state}`)).toEqual(['tester:succeeded', 'tester:deferred']);
  });

  it('TC-13 a run that writes no summary defers; without a minimum the gate is off', async () => {
    const { result, detail } = await coverageRun('none');
    expect(result.outcome).toBe('deferred');
    expect(detail.reason).toBe('coverage command (exited, exit 0) did not write coverage/coverage-summary.json');
    await e?.cleanup();
    e = await mergeEnv();
    const id = await e.add({ stage: 'testing' });
    e.write(id, '12-test-report.md', 'test_status: PASSED\n');
    await e.finishJobs(id);
    expect((await advance(e, id)).reason).toBe('test_status: PASSED; coverage gate off (ORCH_COVERAGE_MIN is empty)');
  });

  it.each([
    ['{"total":{"lines":{"pct":87.25}}}', { ok: true, linesPct: 87.25 }],
    ['{"total":{"lines":{"pct":"Unknown"}}}', { ok: false, problem: 'total.lines.pct is "Unknown": no lines were measured' }],
    ['{"total":{}}', { ok: false, problem: 'not an Istanbul coverage summary: total.lines: Invalid input: expected object, received undefined' }],
    ['{"total":{"lines":{"pct":140}}}', { ok: false, problem: 'not an Istanbul coverage summary: total.lines.pct: Too big: expected number to be <=100' }],
  ])('readCoverageSummary(%s)', (text, expected) => {
    expect(readCoverageSummary(text)).toEqual(expected);
  });
});
