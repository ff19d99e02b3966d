// What a callee expression resolves to, from the file's imports and the declarations in scope:
// a module export (with the member path after it), an instance of an SDK class or client, the
// transport, or the global fetch. Purely syntactic: no type-checker, no inference across files
// beyond imports and re-exports.
import { ts } from 'ts-morph';
import { loadedModule, type ImportTable } from './imports.ts';
import { lookupName, type ScopeMap } from './scopes.ts';

export type Target =
  | { readonly kind: 'module'; readonly module: string; readonly path: readonly string[] }
  | { readonly kind: 'instance'; readonly module: string }
  | { readonly kind: 'transport' }
  | { readonly kind: 'fetch' };

export interface CalleeContext {
  readonly sf: ts.SourceFile;
  readonly imports: ImportTable;
  readonly scopes: ScopeMap;
  /** Initializers of class properties and `this.x = ...` assignments, by `this.x`. */
  readonly thisProps: ReadonlyMap<string, ts.Expression>;
  /** Is `path` of `module` (an export, or a namespace member) the transport? */
  isTransport(module: string, path: readonly string[]): boolean;
  /** The transport's name when it is declared in this file. */
  readonly localTransport: string | null;
  isSdk(module: string): boolean;
}

export function unwrap(e: ts.Expression): ts.Expression {
  let n = e;
  while (ts.isParenthesizedExpression(n) || ts.isAsExpression(n) || ts.isNonNullExpression(n) || ts.isSatisfiesExpression(n) || ts.isAwaitExpression(n)) {
    n = n.expression;
  }
  return n;
}

function memberName(e: ts.Expression): { object: ts.Expression; name: string } | null {
  if (ts.isPropertyAccessExpression(e)) return { object: e.expression, name: e.name.text };
  if (ts.isElementAccessExpression(e) && ts.isStringLiteralLike(e.argumentExpression)) return { object: e.expression, name: e.argumentExpression.text };
  return null;
}

const GLOBAL_OBJECTS = new Set(['globalThis', 'window', 'self', 'global']);

function moduleTarget(ctx: CalleeContext, module: string, path: readonly string[]): Target {
  return ctx.isTransport(module, path) ? { kind: 'transport' } : { kind: 'module', module, path };
}

/** Resolve `expr` as seen from inside `chain` (innermost scope first, the file last). */
export function resolveCallee(expr: ts.Expression, ctx: CalleeContext, chain: readonly ts.Node[], seen: Set<ts.Node> = new Set()): Target | null {
  const e = unwrap(expr);
  if (seen.has(e)) return null;
  seen.add(e);
  if (ts.isIdentifier(e)) {
    const name = e.text;
    const found = lookupName(ctx.scopes, chain, name);
    if (found) {
      if (found.scope === ctx.sf && name === ctx.localTransport) return { kind: 'transport' };
      if (found.decl.kind === 'binding') return moduleTarget(ctx, found.decl.module, [found.decl.imported]);
      if (found.decl.kind === 'init') return resolveCallee(found.decl.expr, ctx, chain, seen);
      return null;
    }
    const binding = ctx.imports.bindings.get(name);
    if (binding) return binding.typeOnly ? null : moduleTarget(ctx, binding.module, [binding.imported]);
    return name === 'fetch' ? { kind: 'fetch' } : null;
  }
  const member = memberName(e);
  if (member) {
    if (member.object.kind === ts.SyntaxKind.ThisKeyword) {
      const init = ctx.thisProps.get(`this.${member.name}`);
      return init ? resolveCallee(init, ctx, chain, seen) : null;
    }
    const obj = unwrap(member.object);
    if (ts.isIdentifier(obj) && GLOBAL_OBJECTS.has(obj.text) && member.name === 'fetch' && !lookupName(ctx.scopes, chain, obj.text)) return { kind: 'fetch' };
    const base = resolveCallee(obj, ctx, chain, seen);
    if (base?.kind === 'module') return moduleTarget(ctx, base.module, [...base.path, member.name]);
    return base?.kind === 'instance' ? base : null;
  }
  const loaded = loadedModule(e);
  if (loaded !== null) return { kind: 'module', module: loaded, path: ['*'] };
  if (ts.isNewExpression(e)) {
    const cls = resolveCallee(e.expression, ctx, chain, seen);
    if (cls?.kind === 'instance') return cls;
    return cls?.kind === 'module' && ctx.isSdk(cls.module) ? { kind: 'instance', module: cls.module } : null;
  }
  if (ts.isCallExpression(e)) {
    const inner = resolveCallee(e.expression, ctx, chain, seen);
    // What an SDK function returns (a client, a model handle) is the SDK too.
    if (inner?.kind === 'instance') return inner;
    if (inner?.kind === 'module' && ctx.isSdk(inner.module)) return { kind: 'instance', module: inner.module };
    // `execa({cwd})('cmd')`: a call with only an options object returns the same function, bound.
    const onlyOptions = e.arguments.length === 1 && ts.isObjectLiteralExpression(e.arguments[0] as ts.Expression);
    if (inner?.kind === 'module' && onlyOptions) return inner;
  }
  return null;
}
