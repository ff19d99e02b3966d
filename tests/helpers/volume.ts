// How big the volume tests are. `npm test` runs them at a size that proves the property (every
// job exactly once, with several worker processes racing for the queue) in seconds on a busy
// 2-core machine; `npm run test:stress` (TEST_STRESS=1) runs them at full size. The queue bench
// (scripts/bench/queue.ts) measures throughput at thousands of jobs.

/** TEST_STRESS: empty or 0 is the npm test size, 1 the full size. */
export function parseStress(raw: string | undefined): boolean {
  if (raw === undefined || raw.trim() === '' || raw.trim() === '0') return false;
  if (raw.trim() === '1') return true;
  throw new Error(`TEST_STRESS=${JSON.stringify(raw)} is invalid: 1 (full-size volume tests, npm run test:stress) or 0/empty (npm test)`);
}

export const STRESS = parseStress(process.env.TEST_STRESS);

/** `normal` in npm test, `full` in npm run test:stress. */
export const volume = <T>(normal: T, full: T): T => (STRESS ? full : normal);
