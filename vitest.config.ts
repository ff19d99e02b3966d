import { defineConfig } from 'vitest/config';

// Real processes, real git repos and real SQLite files: run files in forks so a test that
// starts processes cannot disturb another file's process table expectations.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: ['default'],
  },
});
