// The TypeScript compiler the scanner parses with: the copy ts-morph bundles, loaded on its own.
// The scan needs only the parser; ts-morph's project layer (and its embedded lib files) would add
// to the start-up cost of every fresh `orch scan`. Its types are ts-morph's (`import type { ts as
// TS } from 'ts-morph'` where a module names node types).
import { createRequire } from 'node:module';
import type { ts as TypeScript } from 'ts-morph';

// Resolved from ts-morph itself, so it is the very module ts-morph uses (one copy in memory).
const fromTsMorph = createRequire(createRequire(import.meta.url).resolve('ts-morph'));
export const ts = fromTsMorph('@ts-morph/common/dist/typescript.js') as typeof TypeScript;
