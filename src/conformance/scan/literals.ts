// Reading the static text of a command or URL argument: string literals, templates (their static
// head only), `'lit' + x`, `new URL('lit')`, and consts initialised with one of those. Anything
// else is not a literal, and the finding is *unresolved*.
import { launchedProgram, shellWords } from './commands.ts';
import type { ts as TS } from 'ts-morph';
import { ts } from './ts.ts';

export interface StaticText {
  readonly text: string;
  /** False when only a prefix is known (`${x}` or `+ x` follows). */
  readonly complete: boolean;
  /** The text starts with a URL configured from an LLM environment variable (`OPENAI_BASE_URL`). */
  readonly configured?: boolean;
}

/** A value a name may hold: an expression, seen from a scope; `path` when destructured from it. */
export interface NameValue {
  readonly expr: TS.Expression;
  readonly lookup: ValueLookup;
  readonly path?: readonly string[];
}

/** The values a name may hold where it is used (several after branches or reassignment). */
export type ValueLookup = (name: TS.Identifier) => readonly NameValue[];

const MAX_TEXTS = 8;

/** The name of the environment variable `process.env.X`, `process.env['X']`, `import.meta.env.X` reads. */
export function envName(expr: TS.Expression): string | null {
  const name = ts.isPropertyAccessExpression(expr) ? expr.name.text : ts.isElementAccessExpression(expr) && ts.isStringLiteralLike(expr.argumentExpression) ? expr.argumentExpression.text : null;
  return name !== null && isEnvObject((expr as TS.PropertyAccessExpression).expression) ? name : null;
}

function isEnvObject(e: TS.Expression): boolean {
  if (!ts.isPropertyAccessExpression(e) || e.name.text !== 'env') return false;
  const o = e.expression;
  return (ts.isIdentifier(o) && (o.text === 'process' || o.text === 'Bun')) || (ts.isMetaProperty(o) && o.name.text === 'meta');
}

function concat(left: readonly (StaticText | null)[], right: () => readonly (StaticText | null)[]): (StaticText | null)[] {
  let rightCands: readonly (StaticText | null)[] | undefined;
  const out: (StaticText | null)[] = [];
  for (const l of left) {
    if (l === null || !l.complete || l.configured) {
      out.push(l);
      continue;
    }
    rightCands ??= right();
    for (const r of rightCands) {
      out.push(r === null ? { text: l.text, complete: false } : { text: l.text + r.text, complete: r.complete, ...(r.configured && l.text === '' ? { configured: true } : {}) });
    }
  }
  return out.slice(0, MAX_TEXTS);
}

/**
 * Every text an expression may have, statically: string literals, templates, `+`, `??`/`||` and
 * `?:` alternatives, `new URL(path, base)`, names followed to their values, and URLs read from an
 * LLM environment variable (`configured`). `null` stands for a value that cannot be known.
 */
export function staticTexts(expr: TS.Expression | undefined, lookup: ValueLookup, depth = 0, isLlmEnv: (name: string) => boolean = () => false): (StaticText | null)[] {
  if (!expr || depth > 10) return [null];
  const again = (e: TS.Expression | undefined, l: ValueLookup = lookup) => staticTexts(e, l, depth + 1, isLlmEnv);
  if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) return [{ text: expr.text, complete: true }];
  if (ts.isTemplateExpression(expr)) {
    let cur: (StaticText | null)[] = [{ text: expr.head.text, complete: true }];
    for (const span of expr.templateSpans) {
      cur = concat(cur, () => again(span.expression));
      cur = concat(cur, () => [{ text: span.literal.text, complete: true }]);
    }
    return cur;
  }
  if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isSatisfiesExpression(expr) || ts.isNonNullExpression(expr) || ts.isAwaitExpression(expr)) return again(expr.expression);
  if (ts.isBinaryExpression(expr)) {
    const op = expr.operatorToken.kind;
    if (op === ts.SyntaxKind.PlusToken) return concat(again(expr.left), () => again(expr.right));
    if (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken) return [...again(expr.left), ...again(expr.right)].slice(0, MAX_TEXTS);
    return [null];
  }
  if (ts.isConditionalExpression(expr)) return [...again(expr.whenTrue), ...again(expr.whenFalse)].slice(0, MAX_TEXTS);
  if (ts.isNewExpression(expr) && ts.isIdentifier(expr.expression) && expr.expression.text === 'URL') {
    const [path, base] = expr.arguments ?? [];
    const own = again(path);
    if (!base) return own;
    return own.flatMap((t) => (t !== null && t.complete && !/^[a-z][a-z0-9+.-]*:/i.test(t.text) ? concat(again(base), () => [t]) : [t]));
  }
  if ((ts.isPropertyAccessExpression(expr) || ts.isElementAccessExpression(expr))) {
    const env = envName(expr);
    if (env !== null) return [isLlmEnv(env) ? { text: '', complete: false, configured: true } : null];
    // `url.href`, `url.toString()` of a URL value keep its text.
    if (ts.isPropertyAccessExpression(expr) && expr.name.text === 'href') return again(expr.expression);
    return [null];
  }
  if (ts.isCallExpression(expr) && ts.isPropertyAccessExpression(expr.expression) && expr.expression.name.text === 'toString' && expr.arguments.length === 0) return again(expr.expression.expression);
  if (ts.isIdentifier(expr)) {
    const values = lookup(expr);
    if (values.length === 0) return [null];
    return values
      .flatMap((v) => {
        if (!v.path) return staticTexts(v.expr, v.lookup, depth + 1, isLlmEnv);
        // `const { OLLAMA_HOST } = process.env`
        return isEnvObject(v.expr) && v.path.length === 1 ? [isLlmEnv(v.path[0] as string) ? { text: '', complete: false, configured: true } : null] : [null];
      })
      .slice(0, MAX_TEXTS);
  }
  return [null];
}

/** The one text of an expression when it has exactly one (commands: program names, argv). */
export function staticText(expr: TS.Expression | undefined, lookup: ValueLookup): StaticText | null {
  const all = staticTexts(expr, lookup);
  return all.length === 1 ? (all[0] as StaticText | null) : (all.find((t) => t !== null) ?? null);
}

/**
 * The program an argument runs, or null when it cannot be known statically.
 * `commandLine`: the argument is a whole command line (exec, execaCommand, `$\`...\``);
 * `argv`: the words after the program, when known (to see through `npx`, `sh -c`).
 */
export function programOf(text: StaticText | null, commandLine: boolean, argv: readonly (string | null)[] = []): string | null {
  if (!text) return null;
  if (!commandLine) return text.complete && text.text !== '' ? launchedProgram([text.text, ...argv]) : null;
  // Only a first word followed by a space is known when the rest of the line is not.
  const trimmed = text.text.trimStart();
  if (!text.complete && !/\s/.test(trimmed)) return null;
  const words: (string | null)[] = shellWords(trimmed);
  if (!text.complete) words.push(null);
  return launchedProgram(words);
}

/** The `host` and `hostname` a URL text names, or null when it names none (relative, or unknown yet). */
export function hostOf(text: StaticText | null): { host: string; hostname: string } | 'relative' | null {
  if (!text) return null;
  if (text.configured) return { host: 'configured', hostname: 'configured' };
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
