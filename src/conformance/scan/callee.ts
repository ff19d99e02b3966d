// What an expression resolves to, from the file's imports and the declarations in scope: a module
// export (with the member path after it), a handle of an LLM SDK (a client, a model, a chain, with
// the member path after it), an HTTP client, the transport, or a local function. Purely syntactic:
// no type-checker. A name may hold several values (branches, reassignment), so the answer is a
// list of candidates. What an SDK export or handle gives is read from the rules table
// (rules/sdks.ts); modules outside that table but in the configured SDK list are treated whole:
// every call on them counts.
import type { ts as TS } from 'ts-morph';
import { ts } from './ts.ts';
import { exportRule, type SdkRules } from './rules/sdks.ts';
import { httpClientOf } from './rules/http.ts';
import { loadedModule, type ImportTable } from './imports.ts';
import { classOf, lookupName, reaching, type FileFacts } from './scopes.ts';

/** A value whose text may be read later (an HTTP client's base URL). */
export interface Value {
  readonly expr: TS.Expression;
  readonly chain: readonly TS.Node[];
}

export type Target =
  | { readonly kind: 'module'; readonly module: string; readonly path: readonly string[] }
  | { readonly kind: 'instance'; readonly module: string; readonly rules: SdkRules | null; readonly handle: string; readonly path: readonly string[] }
  | { readonly kind: 'http'; readonly client: string; readonly path: readonly string[]; readonly base: readonly Value[] }
  | { readonly kind: 'transport' }
  | { readonly kind: 'function'; readonly node: TS.Node }
  /** A function of another module: calling it gives these (module-level client getters). */
  | { readonly kind: 'factory'; readonly gives: readonly Target[] };

export interface CalleeContext {
  readonly sf: TS.SourceFile;
  readonly imports: ImportTable;
  readonly facts: FileFacts;
  /** Is `path` of `module` (an export, or a namespace member) the transport? */
  isTransport(module: string, path: readonly string[]): boolean;
  /** The transport's name when it is declared in this file. */
  readonly localTransport: string | null;
  isSdk(module: string): boolean;
  /** The rules of an SDK module (null for an SDK outside the table, or not an SDK). */
  rulesOf(module: string): SdkRules | null;
  /** What another module of the repo exports under `name` (an SDK client made there). */
  imported(module: string, name: string): readonly Target[];
}

export function unwrap(e: TS.Expression): TS.Expression {
  let n = e;
  while (ts.isParenthesizedExpression(n) || ts.isAsExpression(n) || ts.isNonNullExpression(n) || ts.isSatisfiesExpression(n) || ts.isAwaitExpression(n) || ts.isTypeAssertionExpression(n)) {
    n = n.expression;
  }
  return n;
}

function memberName(e: TS.Expression): { object: TS.Expression; name: string } | null {
  if (ts.isPropertyAccessExpression(e)) return { object: e.expression, name: e.name.text };
  if (ts.isElementAccessExpression(e) && ts.isStringLiteralLike(e.argumentExpression)) return { object: e.expression, name: e.argumentExpression.text };
  return null;
}

const GLOBAL_OBJECTS = new Set(['globalThis', 'window', 'self', 'global']);
const MAX_CANDIDATES = 8;
const MAX_PATH = 5;

/** An export path without the namespace marker: `['*', 'OpenAI']` -> `['OpenAI']`, `['*']` -> `['default']`. */
export function exportPath(path: readonly string[]): readonly string[] {
  const p = path[0] === '*' ? path.slice(1) : path;
  return p.length === 0 ? ['default'] : p;
}

function instance(module: string, rules: SdkRules | null, handle: string, path: readonly string[] = []): Target {
  return { kind: 'instance', module, rules, handle, path };
}

function moduleTarget(ctx: CalleeContext, module: string, path: readonly string[]): Target[] {
  if (ctx.isTransport(module, path)) return [{ kind: 'transport' }];
  if (module.startsWith('.') || !ctx.isSdk(module)) {
    const http = httpClientOf(module, path);
    if (http) return [{ kind: 'http', client: http.client, path: http.path, base: [] }];
    if (path.length === 1 && path[0] !== '*') {
      const given = ctx.imported(module, path[0] as string);
      if (given.length > 0) return [...given];
    }
  }
  return [{ kind: 'module', module, path }];
}

/** A handle of the SDK class a type names (`client: OpenAI`), or nothing. */
function typed(type: TS.TypeNode, ctx: CalleeContext, chain: readonly TS.Node[]): Target[] {
  if (!ts.isTypeReferenceNode(type)) return [];
  const name = type.typeName;
  const head = ts.isIdentifier(name) ? name : ts.isQualifiedName(name) && ts.isIdentifier(name.left) ? name.left : null;
  if (head === null) return [];
  const found = lookupName(ctx.facts.scopes, chain, head.text);
  const b = found?.decl.kind === 'binding' ? { module: found.decl.module, imported: found.decl.imported } : ctx.imports.bindings.get(head.text);
  if (!b || !ctx.isSdk(b.module)) return [];
  const path = exportPath(ts.isQualifiedName(name) ? [b.imported, name.right.text] : [b.imported]);
  const rules = ctx.rulesOf(b.module);
  if (rules === null) return [instance(b.module, null, 'client')];
  const rule = exportRule(rules, path, b.module);
  return rule?.new ? [instance(b.module, rules, rule.new)] : [];
}

function dedupe(list: Target[]): Target[] {
  return list.length > MAX_CANDIDATES ? list.slice(0, MAX_CANDIDATES) : list;
}

/** Resolve `expr` as seen from inside `chain` (innermost scope first, the file last). */
export function resolveCallee(expr: TS.Expression, ctx: CalleeContext, chain: readonly TS.Node[], seen: Set<TS.Node> = new Set()): Target[] {
  const e = unwrap(expr);
  if (seen.has(e) || seen.size > 64) return [];
  seen.add(e);
  try {
    return dedupe(resolveInner(e, ctx, chain, seen));
  } finally {
    seen.delete(e);
  }
}

function resolveInner(e: TS.Expression, ctx: CalleeContext, chain: readonly TS.Node[], seen: Set<TS.Node>): Target[] {
  if (ts.isIdentifier(e)) return resolveName(e, ctx, chain, seen);
  if (ts.isConditionalExpression(e)) return [...resolveCallee(e.whenTrue, ctx, chain, seen), ...resolveCallee(e.whenFalse, ctx, chain, seen)];
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken) return [...resolveCallee(e.left, ctx, chain, seen), ...resolveCallee(e.right, ctx, chain, seen)];
    if (op === ts.SyntaxKind.AmpersandAmpersandToken) return resolveCallee(e.right, ctx, chain, seen);
    return [];
  }
  const member = memberName(e);
  if (member) return resolveMember(member.object, member.name, ctx, chain, seen);
  const loaded = loadedModule(e);
  if (loaded !== null) return [{ kind: 'module', module: loaded, path: ['*'] }];
  if (ts.isNewExpression(e)) return resolveCallee(e.expression, ctx, chain, seen).flatMap((t) => constructed(t, ctx));
  if (ts.isCallExpression(e)) return resolveCallee(e.expression, ctx, chain, seen).flatMap((t) => returned(t, e, ctx, chain, seen));
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return [{ kind: 'function', node: e }];
  return [];
}

function resolveName(e: TS.Identifier, ctx: CalleeContext, chain: readonly TS.Node[], seen: Set<TS.Node>): Target[] {
  const name = e.text;
  const found = lookupName(ctx.facts.scopes, chain, name);
  if (found) {
    const d = found.decl;
    if (found.scope === ctx.sf && name === ctx.localTransport) return [{ kind: 'transport' }];
    switch (d.kind) {
      case 'binding':
        return moduleTarget(ctx, d.module, [d.imported]);
      case 'var': {
        const values = reaching(d.assigns, e.pos, chain).flatMap((a) => resolveCallee(a.expr, ctx, a.chain, seen));
        return values.length > 0 || d.type === null ? values : typed(d.type, ctx, d.chain);
      }
      case 'member':
        return resolveCallee(d.expr, ctx, d.chain, seen).flatMap((t) => d.path.reduce<Target[]>((acc, p) => acc.flatMap((x) => memberOf(x, p, ctx)), [t]));
      case 'function':
        return [{ kind: 'function', node: d.node }];
      default:
        return [];
    }
  }
  const binding = ctx.imports.bindings.get(name);
  if (binding) return binding.typeOnly ? [] : moduleTarget(ctx, binding.module, [binding.imported]);
  return name === 'fetch' ? [{ kind: 'http', client: 'fetch', path: [], base: [] }] : [];
}

function resolveMember(object: TS.Expression, name: string, ctx: CalleeContext, chain: readonly TS.Node[], seen: Set<TS.Node>): Target[] {
  if (object.kind === ts.SyntaxKind.ThisKeyword) {
    const cls = classOf(chain);
    if (cls === null) return [];
    const values = ctx.facts.thisProps.get(cls)?.get(name) ?? [];
    const out = values.flatMap((a) => resolveCallee(a.expr, ctx, a.chain, seen));
    const t = ctx.facts.thisTypes.get(cls)?.get(name);
    return out.length > 0 || !t ? out : typed(t.type, ctx, t.chain);
  }
  const obj = unwrap(object);
  if (ts.isIdentifier(obj) && GLOBAL_OBJECTS.has(obj.text) && name === 'fetch' && !lookupName(ctx.facts.scopes, chain, obj.text)) {
    return [{ kind: 'http', client: 'fetch', path: [], base: [] }];
  }
  return resolveCallee(obj, ctx, chain, seen).flatMap((t) => memberOf(t, name, ctx));
}

function memberOf(t: Target, name: string, ctx: CalleeContext): Target[] {
  switch (t.kind) {
    case 'module': {
      const rules = ctx.isSdk(t.module) ? ctx.rulesOf(t.module) : null;
      const value = rules ? exportRule(rules, exportPath(t.path), t.module)?.value : undefined;
      if (value !== undefined && rules) return [instance(t.module, rules, value, [name])];
      return moduleTarget(ctx, t.module, [...t.path, name]);
    }
    case 'instance':
      return t.path.length >= MAX_PATH ? [] : [{ ...t, path: [...t.path, name] }];
    case 'http':
      return t.path.length >= 2 ? [] : [{ ...t, path: [...t.path, name] }];
    default:
      return [];
  }
}

/** What `new X()` gives, for each candidate X. */
function constructed(t: Target, ctx: CalleeContext): Target[] {
  if (t.kind !== 'module' || !ctx.isSdk(t.module)) return [];
  const rules = ctx.rulesOf(t.module);
  if (rules === null) return [instance(t.module, null, 'client')];
  const rule = exportRule(rules, exportPath(t.path), t.module);
  return rule?.new ? [instance(t.module, rules, rule.new)] : [];
}

const ONLY_OPTIONS = (call: TS.CallExpression) => call.arguments.length === 1 && ts.isObjectLiteralExpression(call.arguments[0] as TS.Expression);

/** What calling a candidate returns (a handle from a factory, a client getter's client, ...). */
function returned(t: Target, call: TS.CallExpression, ctx: CalleeContext, chain: readonly TS.Node[], seen: Set<TS.Node>): Target[] {
  switch (t.kind) {
    case 'instance': {
      if (t.rules === null) return [t];
      const h = t.rules.handles[t.handle];
      if (!h) return [];
      const p = t.path.join('.');
      const next = p === '' ? h.call : h.returns?.[p];
      return next ? [instance(t.module, t.rules, next)] : [];
    }
    case 'module': {
      if (ctx.isSdk(t.module)) {
        const rules = ctx.rulesOf(t.module);
        if (rules === null) return [instance(t.module, null, 'client')];
        const rule = exportRule(rules, exportPath(t.path), t.module);
        if (rule?.call && rule.call !== 'send') return [instance(t.module, rules, rule.call)];
        const valueHandle = rule?.value ? rules.handles[rule.value]?.call : undefined;
        return valueHandle ? [instance(t.module, rules, valueHandle)] : [];
      }
      // `execa({cwd})('cmd')`: a call with only an options object returns the same function, bound.
      return ONLY_OPTIONS(call) ? [t] : [];
    }
    case 'http': {
      const verb = t.path[0];
      if ((verb === 'create' || verb === 'extend') && t.path.length === 1) {
        const cfg = call.arguments[0];
        const base = cfg && ts.isObjectLiteralExpression(cfg) ? baseOf(cfg) : null;
        return [{ kind: 'http', client: t.client, path: [], base: base ? [{ expr: base, chain }] : [] }];
      }
      return [];
    }
    case 'function':
      return (ctx.facts.returns.get(t.node) ?? []).flatMap((a) => resolveCallee(a.expr, ctx, a.chain, seen));
    case 'factory':
      return [...t.gives];
    default:
      return [];
  }
}

/** `baseURL` (axios), `prefixUrl` (got, ky), `prefix` (ky 1.x) of a client's options. */
function baseOf(cfg: TS.ObjectLiteralExpression): TS.Expression | null {
  for (const p of cfg.properties) {
    if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && /^(baseURL|baseUrl|prefixUrl|prefix)$/.test(p.name.text)) return p.initializer;
  }
  return null;
}
