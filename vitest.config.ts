import { defineConfig } from 'vitest/config';
import { BUDGET_MS, scaled } from './tests/helpers/time.ts';
import { STRESS } from './tests/helpers/volume.ts';

/**
 * Every file of a project shares its worker's module registry (isolate: false), which saves re-importing ts-morph,
 * Kysely and the rest for each file: about a third of the suite's CPU time. So no test file
 * replaces one of our modules with `vi.mock` (the mock would meet an already-imported module and
 * silently not apply); a test observes real effects instead, e.g. the fake agent's log of the
 * roles it was started for. tests/config/vitest-config.test.ts fails on a file that mocks.
 */

/**
 * The end-to-end tier, `npm run test:e2e` (CI runs it after `npm test`): files named
 * `*.e2e.test.ts`. A file belongs there when it drives orch through its own OS processes (the
 * real bin, worker processes, `orch stage`), installs packages from the registry, opens a browser,
 * or runs the whole drift harness on several mutated copies of the repo: each costs seconds of CPU,
 * and `npm test` (the drift guard every change runs) has to fit in well under a minute on two
 * cores, loaded or not. Everything else (unit tests, in-process integration on real git repos,
 * real SQLite files, PostgreSQL, real suites and agent processes, HTTP on 127.0.0.1, the drift
 * check of this repo) stays in `npm test`. tests/config/vitest-config.test.ts keeps files that
 * start the real bin out of `npm test`.
 */
export const E2E_TEST_FILES = ['tests/**/*.e2e.test.ts'];

/**
 * PostgreSQL in `npm test`: one throwaway server per run (tests/setup/postgres.ts, the shared
 * project's global setup), a database per test. tests/pg holds the PostgreSQL-only tests and,
 * in tests/pg/again, one file per engine-dependent suite file that declares that file's tests a
 * second time on PostgreSQL (runOnPostgres): the store, the worker's queue, reaper and worker
 * processes, the merge lock. They run in the same workers as everything else.
 *
 * The other files of the store, worker and merge-gate suites run once, on SQLite, to keep
 * `npm test` under a minute on the 2-core machine (`npm run test:pg` runs every one of them on
 * PostgreSQL). Some never reach the store, or only as a recorder of what git did (routing tables
 * and config, git-argument watching, kill-switch semantics); the others drive behaviour that is
 * the same on either engine through store calls the PostgreSQL runs already cover: the gate's
 * git outcomes, infra faults and in-process race (its lock, re-queue and recording run on
 * PostgreSQL in tests/pg, where two worker processes race to merge and one is turned away
 * lock-busy), and the agent outcomes of the worker's pipeline (real worker processes run the
 * pipeline on PostgreSQL in tests/pg/again/worker-processes and tests/pg/workers).
 */
export const PG_AGAIN_TEST_FILES = ['tests/pg/again/**/*.test.ts'];

/** TEST_ORCH_BACKEND=postgres (npm run test:pg): every project runs on PostgreSQL. */
const ALL_ON_POSTGRES = process.env.TEST_ORCH_BACKEND === 'postgres';
const PG_SETUP = ['tests/setup/postgres.ts'];
/**
 * Every run: one temp folder for the run (TMPDIR; the teardown fails the run if a test left
 * something in it, and removes it), and the compiled CLI (re)built when stale, so the real-bin
 * tests run JavaScript, not tsx.
 */
const RUN_SETUP = ['tests/setup/tmpdir.ts', 'tests/setup/build.ts'];

/**
 * The time budget (tests/helpers/time.ts), the only place test and hook timeouts are set:
 * TEST_TIME_FACTOR stretches them (and the waits inside tests) on a slow machine. The full-size
 * volume tests of `npm run test:stress` (TEST_STRESS=1) get four times as long.
 */
const STRESS_FACTOR = STRESS ? 4 : 1;

// Real processes, real git repos and real SQLite files: run files in forks, so process-wide state
// (signal handlers, the environment, the working directory) never crosses into another worker.
export default defineConfig({
  test: {
    pool: 'forks',
    // Most test time is spent waiting on child processes, timers and git, not on the CPU: three
    // workers on the 2-core machine overlap those waits (about 50 s instead of 75 s idle) while
    // leaving the timing-sensitive process tests enough CPU.
    maxWorkers: 3,
    testTimeout: scaled(BUDGET_MS.test) * STRESS_FACTOR,
    hookTimeout: scaled(BUDGET_MS.hook),
    teardownTimeout: scaled(BUDGET_MS.teardown),
    reporters: ['default'],
    // Removes what helpers cached for a test file after that file (tests/helpers/file-scoped.ts).
    setupFiles: ['tests/setup/each-file.ts'],
    // test:pg: every project reaches the server, and every file already runs on PostgreSQL.
    globalSetup: [...RUN_SETUP, ...(ALL_ON_POSTGRES ? PG_SETUP : [])],
    ...(ALL_ON_POSTGRES ? { provide: { orchBackend: 'postgres' as const } } : {}),
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['tests/**/*.test.ts'],
          exclude: [...E2E_TEST_FILES, ...(ALL_ON_POSTGRES ? PG_AGAIN_TEST_FILES : [])],
          isolate: false,
          ...(ALL_ON_POSTGRES ? {} : { globalSetup: [...RUN_SETUP, ...PG_SETUP] }),
          sequence: { groupOrder: 0 },
        },
      },
      // `npm run test:e2e` (`npm test` leaves it out: --project '!e2e'). Its own budget: one of
      // these tests starts several orch processes, installs a library or drives a browser.
      {
        extends: true,
        test: {
          name: 'e2e',
          include: E2E_TEST_FILES,
          exclude: ALL_ON_POSTGRES ? PG_AGAIN_TEST_FILES : [],
          isolate: false,
          testTimeout: scaled(BUDGET_MS.e2e) * STRESS_FACTOR,
          ...(ALL_ON_POSTGRES ? {} : { globalSetup: [...RUN_SETUP, ...PG_SETUP] }),
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
