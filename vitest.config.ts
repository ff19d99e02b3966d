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

/**
 * Suites that run twice in every `npm test`: on SQLite (their home project) and again on
 * PostgreSQL (the `pg` project, one throwaway server for the run, a database per test). They are
 * the ones whose behaviour depends on the engine: the store, the worker's queue, leases and
 * processes, the merge gate and its lock. `npm run test:pg` runs every suite on PostgreSQL.
 */
export const BOTH_BACKENDS_TEST_FILES = ['tests/store/**/*.test.ts', 'tests/worker/**/*.test.ts', 'tests/merge/**/*.test.ts', 'tests/pg/**/*.test.ts'];

/**
 * Files of those suites that `npm test` runs once, on SQLite, to stay inside its time budget
 * (`npm run test:pg` runs every one of them on PostgreSQL too). Some never reach the store, or
 * only as a recorder of what git did: routing tables and config, git-argument watching,
 * kill-switch semantics. The others drive behaviour that is the same on either engine through
 * store calls that the PostgreSQL runs already cover: the gate's git outcomes (TC-01..TC-13, the
 * infra faults, five tasks racing in one process), whose lock, re-queue and recording run on
 * PostgreSQL in lock.test.ts and tests/pg (two worker processes race to merge, one is turned
 * away lock-busy and re-queued); and the agent outcomes of the worker's pipeline (verdicts,
 * crashes, hangs), which real worker processes run on PostgreSQL in processes.test.ts and
 * tests/pg/workers.test.ts.
 */
export const SQLITE_ONLY_IN_NPM_TEST = [
  'tests/merge/config.test.ts',
  'tests/merge/decisions.test.ts',
  'tests/merge/regression-markers.test.ts',
  'tests/merge/never-force.test.ts',
  'tests/merge/switches.test.ts',
  'tests/merge/gate.test.ts',
  'tests/merge/race.test.ts',
  'tests/merge/infra.test.ts',
  'tests/worker/pipeline.test.ts',
];

/** Tests that exist only for PostgreSQL (the server harness, advisory locks, schema parity). */
export const PG_ONLY_TEST_FILES = ['tests/pg/**/*.test.ts'];

/** TEST_ORCH_BACKEND=postgres (npm run test:pg): every project runs on PostgreSQL. */
const ALL_ON_POSTGRES = process.env.TEST_ORCH_BACKEND === 'postgres';
const PG_SETUP = ['tests/setup/postgres.ts'];

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
    ...(ALL_ON_POSTGRES ? { globalSetup: PG_SETUP, provide: { orchBackend: 'postgres' as const } } : {}),
    projects: [
      // The process-tree tests assert timings and tree shapes that a CPU-starved machine can
      // distort: they run first, as a group of their own, before the rest of the suite starts.
      { extends: true, test: { name: 'proc', include: PROC_TEST_FILES, isolate: true, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'isolated', include: ISOLATED_TEST_FILES, exclude: PROC_TEST_FILES, isolate: true, sequence: { groupOrder: 1 } } },
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['tests/**/*.test.ts'],
          exclude: [...ISOLATED_TEST_FILES, ...PROC_TEST_FILES, ...PG_ONLY_TEST_FILES],
          isolate: false,
          sequence: { groupOrder: 1 },
        },
      },
      // The engine-dependent suites once more, on PostgreSQL (under test:pg the shared project
      // already runs them there).
      ...(ALL_ON_POSTGRES
        ? [{ extends: true as const, test: { name: 'pg', include: PG_ONLY_TEST_FILES, isolate: false, sequence: { groupOrder: 1 } } }]
        : [
            {
              extends: true as const,
              test: {
                name: 'pg',
                include: BOTH_BACKENDS_TEST_FILES,
                exclude: [...ISOLATED_TEST_FILES, ...PROC_TEST_FILES, ...SQLITE_ONLY_IN_NPM_TEST],
                isolate: false,
                globalSetup: PG_SETUP,
                provide: { orchBackend: 'postgres' as const },
                sequence: { groupOrder: 1 },
              },
            },
          ]),
    ],
  },
});
