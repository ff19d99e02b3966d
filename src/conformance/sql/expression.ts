// Expressions of a logical schema (defaults, checks, index predicates): a token-level normal
// form, not a parse, so the two engines' spellings of one expression compare equal.
import type { LogicalCheck } from './logical.ts';
import { splitTopLevel, sqlTokens, type SqlToken } from './tokens.ts';

export const isPunct = (t: SqlToken | undefined, text: string) => t?.kind === 'punct' && t.text === text;
const OPERATOR_SPELLINGS: Record<string, string> = { '<>': '!=', '==': '=' };

/**
 * Normalised tokens: words lower-cased, quoted identifiers unquoted, parentheses and `::type`
 * casts dropped, `<>` spelled `!=`. SQLite's tokenizer reads PostgreSQL's `ARRAY[...]` as a
 * [bracketed identifier]; its text is tokenised again between `[` and `]`.
 */
export function expressionTokens(tokens: readonly SqlToken[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as SqlToken;
    if (isPunct(t, ':') && isPunct(tokens[i + 1], ':') && tokens[i + 2]?.kind === 'word') i += 2;
    else if (isPunct(t, '(') || isPunct(t, ')')) continue;
    else if (t.kind === 'ident' && out.at(-1) === 'array') out.push('[', ...expressionTokens(sqlTokens(t.text)), ']');
    else if (t.kind === 'word') out.push(t.text.toLowerCase());
    else if (t.kind === 'punct') out.push(OPERATOR_SPELLINGS[t.text] ?? t.text);
    else out.push(t.text);
  }
  return out;
}

export function joinTokens(tokens: readonly string[]): string {
  return tokens.reduce((text, t) => (text === '' ? t : t === ',' ? `${text},` : `${text} ${t}`), '');
}

/** The normal form of an expression's SQL text (see expressionTokens). */
export function normaliseExpression(text: string): string {
  return joinTokens(expressionTokens(sqlTokens(text)));
}

/** `'a', 'b', 3` as values (strings unquoted), or null when the list holds anything else. */
function literalList(tokens: readonly string[]): string[] | null {
  const values: string[] = [];
  for (let i = 0; i < tokens.length; i += 2) {
    const t = tokens[i] as string;
    if (i + 1 < tokens.length && tokens[i + 1] !== ',') return null;
    if (t.startsWith("'")) values.push(t.slice(1, -1).replaceAll("''", "'"));
    else if (/^[0-9.]+$/.test(t)) values.push(t);
    else return null;
  }
  return values.length === 0 ? null : [...new Set(values)].sort();
}

/** A check reduced to its column and allowed values when it is `x in (...)` / `x = ANY (ARRAY[...])`. */
export function reduceCheck(tokens: readonly string[]): LogicalCheck {
  const [column, op, ...rest] = tokens;
  let list: string[] | undefined;
  if (op === 'in') list = rest;
  else if (op === '=' && rest[0] === 'any' && rest[1] === 'array' && rest[2] === '[' && rest.at(-1) === ']') list = rest.slice(3, -1);
  const values = list === undefined ? null : literalList(list);
  const simple = column !== undefined && !column.startsWith("'") && values !== null;
  return { column: simple ? column : null, values: simple ? values : null, text: joinTokens(tokens) };
}
