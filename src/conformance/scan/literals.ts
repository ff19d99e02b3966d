// Reading the static text of a command or URL argument: string literals, templates (their static
// head only), `'lit' + x`, `new URL('lit')`, and consts initialised with one of those. Anything
// else is not a literal, and the finding is *unresolved*.
import { basename } from 'node:path';
import { parse as parseShell } from 'shell-quote';
import { ts } from 'ts-morph';

export interface StaticText {
  readonly text: string;
  /** False when only a prefix is known (`${x}` or `+ x` follows). */
  readonly complete: boolean;
}

export type ConstLookup = (name: string) => ts.Expression | undefined;

export function staticText(expr: ts.Expression | undefined, consts: ConstLookup, depth = 0): StaticText | null {
  if (!expr || depth > 8) return null;
  if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) return { text: expr.text, complete: true };
  if (ts.isTemplateExpression(expr)) return { text: expr.head.text, complete: false };
  if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isSatisfiesExpression(expr) || ts.isNonNullExpression(expr)) {
    return staticText(expr.expression, consts, depth + 1);
  }
  if (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = staticText(expr.left, consts, depth + 1);
    if (!left) return null;
    if (!left.complete) return left;
    const right = staticText(expr.right, consts, depth + 1);
    return right ? { text: left.text + right.text, complete: right.complete } : { text: left.text, complete: false };
  }
  if (ts.isNewExpression(expr) && ts.isIdentifier(expr.expression) && expr.expression.text === 'URL') {
    return staticText(expr.arguments?.[0], consts, depth + 1);
  }
  if (ts.isIdentifier(expr)) return staticText(consts(expr.text), consts, depth + 1);
  return null;
}

/** The program a command names: the base name of the first word, without a Windows suffix. */
function programName(word: string): string {
  return basename(word).replace(/\.(exe|cmd|bat)$/i, '');
}

/**
 * The program an argument runs, or null when it cannot be known statically.
 * `commandLine`: the argument is a whole command line (exec, execaCommand, `$\`...\``).
 */
export function programOf(text: StaticText | null, commandLine: boolean): string | null {
  if (!text) return null;
  if (!commandLine) return text.complete && text.text !== '' ? programName(text.text) : null;
  // Only a first word followed by a space is known when the rest of the line is not.
  const trimmed = text.text.trimStart();
  if (!text.complete && !/\s/.test(trimmed)) return null;
  const first = parseShell(trimmed)[0];
  return typeof first === 'string' && first !== '' ? programName(first) : null;
}

/** The `host` and `hostname` a URL text names, or null when it names none (relative, or unknown yet). */
export function hostOf(text: StaticText | null): { host: string; hostname: string } | 'relative' | null {
  if (!text) return null;
  try {
    const url = new URL(text.text);
    // `https://api.openai.com` + path is fine; `https://` + host is not known yet.
    if (!text.complete && !text.text.slice(url.protocol.length + 2).includes('/')) return null;
    return { host: url.host, hostname: url.hostname };
  } catch {
    return text.complete || text.text.startsWith('/') ? 'relative' : null;
  }
}

export function matchesHost(url: { host: string; hostname: string }, hosts: readonly string[]): string | null {
  for (const h of hosts) {
    if (h.includes(':') ? url.host === h : url.hostname === h || url.hostname.endsWith(`.${h}`)) return h;
  }
  return null;
}
