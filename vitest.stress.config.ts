import { defineConfig } from 'vitest/config';

/**
 * `npm run test:stress`: the heavy acceptance runs kept out of `npm test` (which must stay under a
 * minute on the 2-core machine): many real worker and `orch stage` processes, SIGKILLs, parallel
 * merges. One file at a time, in forks, with generous timeouts; SQLite (the chaos script,
 * `npm run test:chaos`, covers PostgreSQL).
 */
export default defineConfig({
  test: {
    include: ['tests/stress/**/*.stress.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 180_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
