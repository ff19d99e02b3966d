import { defineConfig } from 'vitest/config';

/**
 * Test files that replace one of our modules with `vi.mock`: they need a module registry of their
 * own. Every other file shares its worker's registry (isolate: false), which saves re-importing
 * ts-morph, Kysely and the rest for each of ~60 files: about a third of the suite's CPU time.
 * tests/config/vitest-config.test.ts fails when a file that mocks a module is missing here.
 */
export const ISOLATED_TEST_FILES = ['tests/launcher/launch.test.ts', 'tests/staging/launch.test.ts'];

// Real processes, real git repos and real SQLite files: run files in forks, so process-wide state
// (signal handlers, the environment, the working directory) never crosses into another worker.
export default defineConfig({
  test: {
    pool: 'forks',
    // Most test time is spent waiting on child processes, timers and git, not on the CPU: four
    // workers on the 2-core machine overlap those waits (about 46 s instead of 75 s idle).
    maxWorkers: 4,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'isolated', include: ISOLATED_TEST_FILES, isolate: true } },
      { extends: true, test: { name: 'shared', include: ['tests/**/*.test.ts'], exclude: ISOLATED_TEST_FILES, isolate: false } },
    ],
  },
});
