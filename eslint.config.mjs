// typescript-eslint, type-aware, on orch's own TypeScript (`npm run lint:ts`). The rules the style
// guide asks for (STYLE §15: no floating promises) and the ones that keep types honest.
// Type information comes from the `typescript` package, which is the TypeScript 6 API package:
// TypeScript 7 (`tsc`, `npm run typecheck`) has no JavaScript API yet (docs/decisions.md).
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: ['node_modules/**', 'dist/**', 'test-output/**', 'fixtures/repos/**', 'fixtures/**/*.js', 'bin/**', '**/*.mjs', '**/*.cjs'],
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // The core layer decides from plain data. dependency-cruiser (core-is-pure, layer-core) sees
    // only runtime imports; this also refuses `import type` from outside src/core (a store row, a
    // config object, the runner's result), so core's types are its own and every layer above
    // depends on core, never the reverse. src/errors.ts (error codes) is the one file it shares.
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^\\.\\./(?!errors\\.ts$)', message: 'src/core imports only src/core and src/errors.ts: define the plain data type in core (the layer above imports it from core).' },
            { regex: '^(node:)?(fs|fs/promises|child_process|net|http|https|os|worker_threads|process|timers|path)$', message: 'src/core does no IO: take the facts as arguments.' },
            { regex: '^(execa|kysely|better-sqlite3|pg|fastify|ts-morph|tsx)(/|$)', message: 'src/core does no IO: take the facts as arguments.' },
          ],
        },
      ],
    },
  },
);
