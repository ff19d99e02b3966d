import { defineConfig } from 'vitest/config';

/**
 * Test files that need a module registry of their own: those that replace one of our modules
 * with `vi.mock` (the process-group runner's tests are isolated too, in the `proc` project).
 * Every other file shares its worker's registry (isolate: false), which
 * saves re-importing ts-morph, Kysely and the rest for each of ~60 files: about a third of the
 * suite's CPU time. tests/config/vitest-config.test.ts fails when a file that mocks a module is
 * missing here.
 */
export const ISOLATED_TEST_FILES = ['tests/launcher/launch.test.ts', 'tests/staging/launch.test.ts'];

/** The process-group runner's own tests (see the `proc` project below). */
export const PROC_TEST_FILES = ['tests/proc/**/*.test.ts'];

// Real processes, real git repos and real SQLite files: run files in forks, so process-wide state
// (signal handlers, the environment, the working directory) never crosses into another worker.
export default defineConfig({
  test: {
    pool: 'forks',
    // Most test time is spent waiting on child processes, timers and git, not on the CPU: three
    // workers on the 2-core machine overlap those waits (about 50 s instead of 75 s idle) while
    // leaving the timing-sensitive process tests enough CPU.
    maxWorkers: 3,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: ['default'],
    projects: [
      // The process-tree tests assert timings and tree shapes that a CPU-starved machine can
      // distort: they run first, as a group of their own, before the rest of the suite starts.
      { extends: true, test: { name: 'proc', include: PROC_TEST_FILES, isolate: true, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'isolated', include: ISOLATED_TEST_FILES, exclude: PROC_TEST_FILES, isolate: true, sequence: { groupOrder: 1 } } },
      {
        extends: true,
        test: { name: 'shared', include: ['tests/**/*.test.ts'], exclude: [...ISOLATED_TEST_FILES, ...PROC_TEST_FILES], isolate: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
