// What each name means where it is used: the declarations of every function scope (and of the
// module), so a local `spawn` or a parameter named `fetch` shadows the import or global of that
// name, and a `const { spawn } = await import('node:child_process')` counts only in its function.
import { ts } from 'ts-morph';
import { initializerModule } from './imports.ts';

export type Decl =
  /** A name bound to an export of a module: `const { spawn } = require('child_process')`. */
  | { readonly kind: 'binding'; readonly module: string; readonly imported: string }
  /** A name bound to a value we can follow: `const run = execa`, `const client = new OpenAI()`. */
  | { readonly kind: 'init'; readonly expr: ts.Expression }
  /** A name we cannot follow: a parameter, a local function, a destructured value. */
  | { readonly kind: 'opaque' };

export type ScopeMap = ReadonlyMap<ts.Node, ReadonlyMap<string, Decl>>;

/** Does this node open a scope of its own (a function with a body, or the file)? */
export function opensScope(node: ts.Node): boolean {
  return ts.isSourceFile(node) || (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined);
}

function namesOf(name: ts.BindingName, out: string[] = []): string[] {
  if (ts.isIdentifier(name)) out.push(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) namesOf(el.name, out);
  return out;
}

export function collectScopes(sf: ts.SourceFile): ScopeMap {
  const scopes = new Map<ts.Node, Map<string, Decl>>();
  const declare = (scope: ts.Node, name: string, decl: Decl) => {
    let m = scopes.get(scope);
    if (!m) scopes.set(scope, (m = new Map()));
    if (!m.has(name)) m.set(name, decl);
  };
  const visit = (node: ts.Node, scope: ts.Node): void => {
    let inner = scope;
    if (node !== sf && opensScope(node)) {
      inner = node;
      for (const p of (node as ts.SignatureDeclaration).parameters) for (const n of namesOf(p.name)) declare(inner, n, { kind: 'opaque' });
      const fnName = (node as ts.FunctionLikeDeclaration).name;
      if (ts.isFunctionDeclaration(node) && fnName && ts.isIdentifier(fnName)) declare(scope, fnName.text, { kind: 'opaque' });
    }
    if (ts.isClassDeclaration(node) && node.name) declare(scope, node.name.text, { kind: 'opaque' });
    if (ts.isVariableDeclaration(node)) {
      const loaded = node.initializer ? initializerModule(node.initializer) : null;
      if (loaded && ts.isIdentifier(node.name)) {
        declare(scope, node.name.text, { kind: 'binding', module: loaded.module, imported: loaded.member ?? '*' });
      } else if (loaded && ts.isObjectBindingPattern(node.name)) {
        for (const el of node.name.elements) {
          const prop = el.propertyName ?? el.name;
          const key = ts.isIdentifier(prop) || ts.isStringLiteral(prop) ? prop.text : null;
          if (ts.isIdentifier(el.name)) declare(scope, el.name.text, key === null ? { kind: 'opaque' } : { kind: 'binding', module: loaded.module, imported: key });
        }
      } else if (ts.isIdentifier(node.name) && node.initializer) {
        declare(scope, node.name.text, { kind: 'init', expr: node.initializer });
      } else {
        for (const n of namesOf(node.name)) declare(scope, n, { kind: 'opaque' });
      }
    }
    ts.forEachChild(node, (child) => visit(child, inner));
  };
  visit(sf, sf);
  return scopes;
}

/** The declaration `name` refers to from inside `chain` (innermost scope first), and its scope. */
export function lookupName(scopes: ScopeMap, chain: readonly ts.Node[], name: string): { decl: Decl; scope: ts.Node } | undefined {
  for (const scope of chain) {
    const decl = scopes.get(scope)?.get(name);
    if (decl) return { decl, scope };
  }
  return undefined;
}
