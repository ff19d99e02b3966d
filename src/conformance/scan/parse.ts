// Parsing one file with the TypeScript parser that ts-morph bundles: no Program, no type-checker.
import type { ts as TS } from 'ts-morph';
import { ts } from './ts.ts';

const KIND_BY_EXT: Record<string, TS.ScriptKind> = { '.tsx': ts.ScriptKind.TSX, '.jsx': ts.ScriptKind.JSX, '.js': ts.ScriptKind.JS, '.mjs': ts.ScriptKind.JS, '.cjs': ts.ScriptKind.JS };

/** Parse one file; JSDoc (and parent links) only where the transport's tag is looked for. */
export function parseFile(file: string, text: string, withJsDoc = false): TS.SourceFile {
  const ext = file.slice(file.lastIndexOf('.'));
  const jsDocParsingMode = withJsDoc ? ts.JSDocParsingMode.ParseAll : ts.JSDocParsingMode.ParseNone;
  return ts.createSourceFile(file, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode }, withJsDoc, KIND_BY_EXT[ext] ?? ts.ScriptKind.TS);
}
