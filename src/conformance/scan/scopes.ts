// What each name means where it is used: the declarations of every function scope (and of the
// module), so a local `spawn` or a parameter named `fetch` shadows the import or global of that
// name, and `const { spawn } = await import('node:child_process')` counts only in its function.
// Also `this.x` initialisers. Recorded node by node during the one walk of analyze.ts.
import { ts } from 'ts-morph';
import { initializerModule } from './imports.ts';

// The TypeScript namespace exposes its members through getters: read the hot ones once.
const { SyntaxKind: SK, isFunctionLike } = ts;

export type Decl =
  /** A name bound to an export of a module: `const { spawn } = require('child_process')`. */
  | { readonly kind: 'binding'; readonly module: string; readonly imported: string }
  /** A name bound to a value we can follow: `const run = execa`, `const client = new OpenAI()`. */
  | { readonly kind: 'init'; readonly expr: ts.Expression }
  /** A name we cannot follow: a parameter, a local function, a destructured value. */
  | { readonly kind: 'opaque' };

export type ScopeMap = ReadonlyMap<ts.Node, ReadonlyMap<string, Decl>>;


export interface FileFacts {
  readonly scopes: Map<ts.Node, Map<string, Decl>>;
  /** Initializers of class properties and `this.x = ...` assignments, by `this.x`. */
  readonly thisProps: Map<string, ts.Expression>;
}

/** Does this node open a scope of its own (a function with a body)? */
export function opensScope(node: ts.Node): boolean {
  return isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body !== undefined;
}

/** Kinds that hold only types: nothing below them runs, so the walk skips them. */
const TYPE_ONLY = new Uint8Array(SK.Count);
for (let k = SK.FirstTypeNode; k <= SK.LastTypeNode; k++) TYPE_ONLY[k] = 1;
TYPE_ONLY[SK.InterfaceDeclaration] = 1;
TYPE_ONLY[SK.TypeAliasDeclaration] = 1;

export function isTypeOnly(node: ts.Node): boolean {
  return TYPE_ONLY[node.kind] === 1;
}

const OPAQUE: Decl = Object.freeze({ kind: 'opaque' });

function namesOf(name: ts.BindingName, out: string[] = []): string[] {
  if (ts.isIdentifier(name)) out.push(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) namesOf(el.name, out);
  return out;
}

export function createFacts(): FileFacts {
  return { scopes: new Map(), thisProps: new Map() };
}

function declare(facts: FileFacts, scope: ts.Node, name: string, decl: Decl): void {
  let m = facts.scopes.get(scope);
  if (!m) facts.scopes.set(scope, (m = new Map()));
  if (!m.has(name)) m.set(name, decl);
}

function variable(facts: FileFacts, node: ts.VariableDeclaration, scope: ts.Node): void {
  const loaded = node.initializer ? initializerModule(node.initializer) : null;
  if (loaded && ts.isIdentifier(node.name)) {
    declare(facts, scope, node.name.text, { kind: 'binding', module: loaded.module, imported: loaded.member ?? '*' });
  } else if (loaded && ts.isObjectBindingPattern(node.name)) {
    for (const el of node.name.elements) {
      const prop = el.propertyName ?? el.name;
      const key = ts.isIdentifier(prop) || ts.isStringLiteral(prop) ? prop.text : null;
      if (ts.isIdentifier(el.name)) declare(facts, scope, el.name.text, key === null ? OPAQUE : { kind: 'binding', module: loaded.module, imported: key });
    }
  } else if (ts.isIdentifier(node.name) && node.initializer) {
    declare(facts, scope, node.name.text, { kind: 'init', expr: node.initializer });
  } else {
    for (const n of namesOf(node.name)) declare(facts, scope, n, OPAQUE);
  }
}

/**
 * Record what `node` declares (in `scope`, the innermost enclosing function or the file), and
 * return the scope its children live in: the node itself when it is a function with a body.
 */
export function recordNode(facts: FileFacts, node: ts.Node, scope: ts.Node): ts.Node {
  switch (node.kind) {
    case SK.VariableDeclaration:
      variable(facts, node as ts.VariableDeclaration, scope);
      return scope;
    case SK.ClassDeclaration: {
      const name = (node as ts.ClassDeclaration).name;
      if (name) declare(facts, scope, name.text, OPAQUE);
      return scope;
    }
    case SK.PropertyDeclaration: {
      const p = node as ts.PropertyDeclaration;
      if (p.initializer && ts.isIdentifier(p.name)) facts.thisProps.set(`this.${p.name.text}`, p.initializer);
      return scope;
    }
    case SK.BinaryExpression: {
      const b = node as ts.BinaryExpression;
      if (b.operatorToken.kind === SK.EqualsToken && ts.isPropertyAccessExpression(b.left) && b.left.expression.kind === SK.ThisKeyword) {
        const key = `this.${b.left.name.text}`;
        if (!facts.thisProps.has(key)) facts.thisProps.set(key, b.right);
      }
      return scope;
    }
    default: {
      if (!opensScope(node)) return scope;
      for (const p of (node as ts.SignatureDeclaration).parameters) for (const n of namesOf(p.name)) declare(facts, node, n, OPAQUE);
      const fn = node as ts.FunctionLikeDeclaration;
      if (ts.isFunctionDeclaration(fn) && fn.name) declare(facts, scope, fn.name.text, OPAQUE);
      return node;
    }
  }
}

/** The declaration `name` refers to from inside `chain` (innermost scope first), and its scope. */
export function lookupName(scopes: ScopeMap, chain: readonly ts.Node[], name: string): { decl: Decl; scope: ts.Node } | undefined {
  for (const scope of chain) {
    const decl = scopes.get(scope)?.get(name);
    if (decl) return { decl, scope };
  }
  return undefined;
}
