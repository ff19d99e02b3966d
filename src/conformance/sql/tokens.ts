// A small SQL tokenizer: enough to split a CREATE statement into its parts and print it in one
// canonical spelling (identifiers unquoted where that is safe, keywords lower-case, single spaces).

export type SqlToken =
  | { readonly kind: 'word'; readonly text: string }
  | { readonly kind: 'ident'; readonly text: string }
  | { readonly kind: 'string'; readonly text: string }
  | { readonly kind: 'punct'; readonly text: string };

/** Characters of multi-character operators (`>=`, `<>`, `||`), kept together as one token. */
const OPERATOR_CHARS = '<>=!|';

const CLOSERS: Record<string, string> = { '"': '"', '`': '`', '[': ']' };

function isWordChar(ch: string): boolean {
  return /[A-Za-z0-9_$.]/.test(ch) || ch.charCodeAt(0) > 127;
}

/** Tokens of a SQL text; comments are dropped, strings and quoted identifiers kept whole. */
export function sqlTokens(text: string): SqlToken[] {
  const out: SqlToken[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 2;
    } else if (ch === "'") {
      let j = i + 1;
      while (j < text.length && !(text[j] === "'" && text[j + 1] !== "'")) j += text[j] === "'" ? 2 : 1;
      out.push({ kind: 'string', text: text.slice(i, j + 1) });
      i = j + 1;
    } else if (ch in CLOSERS) {
      const close = CLOSERS[ch] as string;
      let j = i + 1;
      let name = '';
      while (j < text.length) {
        if (text[j] === close && text[j + 1] === close && close !== ']') {
          name += close;
          j += 2;
        } else if (text[j] === close) break;
        else name += text[j++];
      }
      out.push({ kind: 'ident', text: name });
      i = j + 1;
    } else if (isWordChar(ch)) {
      let j = i;
      while (j < text.length && isWordChar(text[j] as string)) j++;
      out.push({ kind: 'word', text: text.slice(i, j) });
      i = j;
    } else if (OPERATOR_CHARS.includes(ch)) {
      let j = i;
      while (j < text.length && OPERATOR_CHARS.includes(text[j] as string)) j++;
      out.push({ kind: 'punct', text: text.slice(i, j) });
      i = j;
    } else {
      out.push({ kind: 'punct', text: ch });
      i++;
    }
  }
  return out;
}

/** Split tokens at commas that are not inside parentheses. */
export function splitTopLevel(tokens: readonly SqlToken[]): SqlToken[][] {
  const parts: SqlToken[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === 'punct' && t.text === '(') depth++;
    if (t.kind === 'punct' && t.text === ')') depth--;
    if (t.kind === 'punct' && t.text === ',' && depth === 0) parts.push([]);
    else (parts.at(-1) as SqlToken[]).push(t);
  }
  return parts.filter((p) => p.length > 0);
}
