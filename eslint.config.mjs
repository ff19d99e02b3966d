// typescript-eslint, type-aware, on orch's own TypeScript (`npm run lint:ts`). The rules the style
// guide asks for (STYLE §15: no floating promises) and the ones that keep types honest.
// Type information comes from the `typescript` package, which is the TypeScript 6 API package:
// TypeScript 7 (`tsc`, `npm run typecheck`) has no JavaScript API yet (docs/decisions.md).
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: ['node_modules/**', 'dist/**', 'fixtures/repos/**', 'fixtures/**/*.js', 'bin/**', '**/*.mjs', '**/*.cjs'],
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
);
