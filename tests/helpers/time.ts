// The test suite's time budget, in one place: vitest.config.ts sets the test and hook timeouts
// from it, and the waits inside tests (polling until a process is up, a worker process's own
// timeout) scale with the same factor. TEST_TIME_FACTOR (default 1) stretches every one of them
// on a slow or shared machine: TEST_TIME_FACTOR=2 npm test. Test-only, so no ORCH_ prefix.
// No test asserts a wall-clock figure; a duration is bounded only by a generous ceiling that
// proves "it did not wait the full timeout".

/** Parse TEST_TIME_FACTOR: empty means 1; else a number from 0.1 to 100. */
export function parseTimeFactor(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 1;
  const factor = Number(raw.trim());
  if (!Number.isFinite(factor) || factor < 0.1 || factor > 100) {
    throw new Error(`TEST_TIME_FACTOR=${JSON.stringify(raw)} is invalid: a number from 0.1 to 100 that multiplies every test timeout (e.g. 2 on a slow machine)`);
  }
  return factor;
}

export const TIME_FACTOR = parseTimeFactor(process.env.TEST_TIME_FACTOR);

/** `ms` stretched by TEST_TIME_FACTOR. */
export const scaled = (ms: number): number => Math.round(ms * TIME_FACTOR);

/**
 * The budgets, unscaled. A test of `npm test` gets 30 s: the slowest ones start real processes
 * (git, node, suites, agents) that a 2-core machine running two busy loops starts in about a second
 * each. A test of the e2e tier (`npm run test:e2e`) gets 120 s: one test there may install a
 * library from the registry, stage a branch several times or run several orch processes at once.
 * Hooks make temp repos and stores, and tear down servers.
 */
export const BUDGET_MS = Object.freeze({ test: 30_000, e2e: 120_000, hook: 30_000, teardown: 60_000 });
