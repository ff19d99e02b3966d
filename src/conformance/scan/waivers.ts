// Inline waivers: `// orch-inventory-ignore: <reason>` on the line of an unresolved finding or on
// the line above its statement. Comments are read from the parse tree's trivia, so the tag inside
// a string or a template never counts.
import type { ts as TS } from 'ts-morph';
import { ts } from './ts.ts';
import { WAIVER_TAG } from '../config/defaults.ts';

export interface Waiver {
  readonly line: number;
  readonly column: number;
  /** Null when the comment gives no reason (itself a finding). */
  readonly reason: string | null;
}

function commentBody(raw: string): string {
  const inner = raw.startsWith('//') ? raw.slice(2) : raw.slice(2, -2);
  return inner
    .split('\n')
    .map((l) => l.trim().replace(/^\*\s?/, ''))
    .join(' ')
    .trim();
}

export function collectWaivers(sf: TS.SourceFile): Waiver[] {
  const text = sf.text;
  if (!text.includes(WAIVER_TAG)) return [];
  const ranges = new Map<number, TS.CommentRange>();
  const take = (list: TS.CommentRange[] | undefined) => list?.forEach((r) => ranges.set(r.pos, r));
  const visit = (node: TS.Node): void => {
    take(ts.getLeadingCommentRanges(text, node.pos));
    take(ts.getTrailingCommentRanges(text, node.end));
    take(ts.getLeadingCommentRanges(text, node.end));
    ts.forEachChild(node, visit);
  };
  visit(sf);
  take(ts.getLeadingCommentRanges(text, sf.endOfFileToken.pos));
  const waivers: Waiver[] = [];
  for (const r of ranges.values()) {
    const body = commentBody(text.slice(r.pos, r.end));
    if (!body.startsWith(WAIVER_TAG)) continue;
    const rest = body.slice(WAIVER_TAG.length);
    if (rest !== '' && !rest.startsWith(':') && !/^\s/.test(rest)) continue;
    const reason = rest.startsWith(':') && rest.slice(1).trim() !== '' ? rest.slice(1).trim() : null;
    const lc = sf.getLineAndCharacterOfPosition(r.pos);
    waivers.push({ line: lc.line + 1, column: lc.character + 1, reason });
  }
  return waivers.sort((a, b) => a.line - b.line);
}

/** Whether a waiver on `waiver.line` covers a finding at `line` whose statement starts at `statementLine`. */
export function covers(waiver: Waiver, line: number, statementLine: number): boolean {
  return waiver.line === line || waiver.line + 1 === line || waiver.line + 1 === statementLine;
}
