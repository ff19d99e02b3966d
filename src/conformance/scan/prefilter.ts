// The token prefilter: a file is parsed only when its text contains something the scanner could
// report. It is a speed device, never a verdict: whatever it lets through is decided on the AST.
// Tokens match as whole words where they begin or end with an identifier character, so
// `prefetch` or `myexeca` do not count as `fetch` or `execa`.
import { WAIVER_TAG } from '../config/defaults.ts';

export interface PrefilterInput {
  readonly sdks: readonly string[];
  readonly agentClis: readonly string[];
  readonly hosts: readonly string[];
  /** Names the transport is exported under, and the base names of the files exporting it. */
  readonly transportTokens: readonly string[];
  readonly transportTag: string;
}

/** Tokens any spawn or fetch the scanner can resolve must contain (module names, callee names). */
const PROCESS_AND_FETCH = ['child_process', 'execa', 'cross-spawn', 'fetch', 'node-fetch', 'undici'];

/** Short SDK names ("ai") would match most files as bare words; quoted, they match only imports. */
function sdkTokens(sdk: string): string[] {
  if (sdk.endsWith('/') || sdk.length > 6) return [sdk];
  return [`'${sdk}'`, `"${sdk}"`, `'${sdk}/`, `"${sdk}/`, `\`${sdk}\``];
}

export function prefilterTokens(input: PrefilterInput): string[] {
  const tokens = new Set<string>([
    ...PROCESS_AND_FETCH,
    WAIVER_TAG,
    `@${input.transportTag}`,
    ...input.transportTokens,
    ...input.sdks.flatMap(sdkTokens),
    ...input.agentClis,
    ...input.hosts,
  ]);
  return [...tokens].filter((t) => t.length > 0);
}

function isIdentChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 36;
}

/** Whether `token` occurs in `text` with no identifier character glued to its word-like ends. */
export function containsToken(text: string, token: string): boolean {
  const checkStart = isIdentChar(token.charCodeAt(0));
  const checkEnd = isIdentChar(token.charCodeAt(token.length - 1));
  for (let at = text.indexOf(token); at !== -1; at = text.indexOf(token, at + 1)) {
    if (checkStart && at > 0 && isIdentChar(text.charCodeAt(at - 1))) continue;
    const after = at + token.length;
    if (checkEnd && after < text.length && isIdentChar(text.charCodeAt(after))) continue;
    return true;
  }
  return false;
}

const patterns = new WeakMap<readonly string[], RegExp>();

/** One regex for a token list: a single pass over the text finds every candidate occurrence. */
function patternOf(tokens: readonly string[]): RegExp {
  let re = patterns.get(tokens);
  if (!re) {
    const sorted = [...new Set(tokens)].sort((a, b) => b.length - a.length);
    re = new RegExp(sorted.map((t) => t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'), 'g');
    patterns.set(tokens, re);
  }
  return re;
}

export function mayMatter(text: string, tokens: readonly string[]): boolean {
  if (tokens.length === 0) return false;
  const re = patternOf(tokens);
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    // The longest token matched here may be glued to a word; a shorter one at the same place may not be.
    for (const token of tokens) if (text.startsWith(token, m.index) && containsToken(text.slice(Math.max(0, m.index - 1), m.index + token.length + 1), token)) return true;
    re.lastIndex = m.index + 1;
  }
  return false;
}
