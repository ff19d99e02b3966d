// Comparing one block's doc copy with what the code derives: both ways (registry -> docs and
// docs -> registry), entry by entry, then the exact text. Pure: text and entries in, findings out.
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.ts';
import type { DocBlock } from '../markdown/blocks.ts';
import type { Derived, Entry, ParsedBlock } from './types.ts';

/** JSON with sorted keys, so field order never makes two entries differ. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

function show(value: unknown): string {
  return value === undefined ? '(nothing)' : stableJson(value);
}

/** What differs between two entries with the same key, field by field when both are objects. */
export function describeDifference(docs: unknown, code: unknown): string {
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObj(docs) || !isObj(code)) return `docs have ${show(docs)}, code has ${show(code)}`;
  const fields = [...new Set([...Object.keys(code), ...Object.keys(docs)])];
  return fields
    .filter((f) => stableJson(docs[f]) !== stableJson(code[f]))
    .map((f) => `${f}: docs have ${show(docs[f])}, code has ${show(code[f])}`)
    .join('; ');
}

export interface CompareInput {
  readonly name: string;
  readonly block: DocBlock;
  readonly derived: Derived;
  readonly parsed: ParsedBlock;
}

/** Findings for one block present in the docs; empty when the doc copy is the canonical text. */
export function compareBlock({ name, block, derived, parsed }: CompareInput): Diagnostic[] {
  const label = `orch:${name}`;
  const at = (line: number | undefined) => block.line + (line ?? 0);
  if (!parsed.ok) {
    return [diagnostic(block.file, at(parsed.line), 1, 'block-parse', `${label}: ${parsed.message}`)];
  }
  const out: Diagnostic[] = [];
  const docs = new Map<string, Entry>();
  for (const entry of parsed.entries) {
    if (docs.has(entry.key)) {
      out.push(diagnostic(block.file, at(entry.line), 1, 'block-parse', `${label}: entry "${entry.key}" appears twice in the block`));
    }
    docs.set(entry.key, entry);
  }
  const code = new Map(derived.entries.map((e) => [e.key, e]));
  for (const [key, entry] of code) {
    const doc = docs.get(key);
    if (!doc) {
      out.push(diagnostic(block.file, at(0), 1, 'block-entry-missing', `${label}: entry "${key}" is in code (${derived.source}) but not in the block; code has ${show(entry.data)}`));
    } else if (stableJson(doc.data) !== stableJson(entry.data)) {
      out.push(diagnostic(block.file, at(doc.line), 1, 'block-entry-differs', `${label}: entry "${key}" differs from code (${derived.source}): ${describeDifference(doc.data, entry.data)}`));
    }
  }
  for (const [key, doc] of docs) {
    if (!code.has(key)) {
      out.push(diagnostic(block.file, at(doc.line), 1, 'block-entry-stale', `${label}: entry "${key}" is in the block but no longer in code (${derived.source}); docs have ${show(doc.data)}`));
    }
  }
  for (const problem of parsed.checks ?? []) {
    out.push(diagnostic(block.file, at(problem.line), 1, 'inventory-class', `${label}: entry "${problem.key}": ${problem.message}`));
  }
  if (out.length === 0 && block.body !== derived.body) {
    out.push(diagnostic(block.file, block.line, 1, 'block-format', `${label}: same entries as code, but not the canonical text (order, spacing or comments differ)`));
  }
  return out;
}
