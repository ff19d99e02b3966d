// What each name means where it is used. Scopes follow the language: functions, blocks, loops,
// catch clauses, and the module; `var` and parameters belong to the function, `let`/`const`/
// classes to the block. A variable keeps every value assigned to it (its initializer and each
// `x = ...`), so a use sees the last assignment that reaches it in straight-line code, or every
// candidate when branches or closures are involved. Also recorded: `this.x` values per class,
// the return values of functions, and parameters typed with an imported class (`client: OpenAI`).
// Recorded node by node during the one walk of analyze.ts.
import type { ts as TS } from 'ts-morph';
import { ts } from './ts.ts';
import { initializerModule } from './imports.ts';

// The TypeScript namespace exposes its members through getters: read the hot ones once.
const { SyntaxKind: SK, isFunctionLike } = ts;

/** One value a name (or `this.x`) may hold, and where it was given. */
export interface Assignment {
  readonly expr: TS.Expression;
  readonly pos: number;
  /** The scope chain at the assignment (innermost first), to resolve `expr` and to judge reach. */
  readonly chain: readonly TS.Node[];
}

export type Decl =
  /** A name bound to an export of a module: `const { spawn } = require('child_process')`. */
  | { readonly kind: 'binding'; readonly module: string; readonly imported: string }
  /** A variable: every value assigned to it, in source order. */
  | { readonly kind: 'var'; readonly assigns: Assignment[]; readonly type: TS.TypeNode | null; readonly chain: readonly TS.Node[] }
  /** A name destructured from a value: `const { chat } = client` (path ['chat']). */
  | { readonly kind: 'member'; readonly expr: TS.Expression; readonly path: readonly string[]; readonly chain: readonly TS.Node[] }
  /** A local function: calling it gives what it returns. */
  | { readonly kind: 'function'; readonly node: TS.Node }
  /**
   * A parameter of a function (an identifier not typed with a class): its values are the arguments
   * the file's own calls of that function pass, where a caller asks for them (request URLs).
   */
  | { readonly kind: 'param'; readonly fn: TS.Node; readonly index: number; readonly name: TS.Identifier; readonly initializer: TS.Expression | null; readonly chain: readonly TS.Node[] }
  /** A name we cannot follow: a class, an array pattern element, a destructured parameter. */
  | { readonly kind: 'opaque' };

export type ScopeMap = ReadonlyMap<TS.Node, ReadonlyMap<string, Decl>>;

export interface FileFacts {
  readonly scopes: Map<TS.Node, Map<string, Decl>>;
  /** Values of class properties and `this.x = ...` assignments, by class node and name. */
  readonly thisProps: Map<TS.Node, Map<string, Assignment[]>>;
  /** Return values of functions (expression bodies included), by function node. */
  readonly returns: Map<TS.Node, Assignment[]>;
  /** Typed parameter properties (`constructor(private client: OpenAI)`), by class node and name. */
  readonly thisTypes: Map<TS.Node, Map<string, { type: TS.TypeNode; chain: readonly TS.Node[] }>>;
  /** Function expressions and arrows that initialise a variable, with its name (`const post = (url) => ...`). */
  readonly fnNames: Map<TS.Node, string>;
  /** Calls of a plain name (`send(url)`), by that name, with the scopes around each call. */
  readonly callsByName: Map<string, Array<{ readonly node: TS.CallExpression; readonly scopes: readonly TS.Node[] }>>;
}

/** Does this node open a scope of its own (a function with a body)? */
export function opensScope(node: TS.Node): boolean {
  return isFunctionLike(node) && (node as TS.FunctionLikeDeclaration).body !== undefined;
}

/** Nodes whose let/const/class declarations are local to them. */
const BLOCK_SCOPES = new Uint8Array(SK.Count);
for (const k of [SK.Block, SK.ForStatement, SK.ForOfStatement, SK.ForInStatement, SK.CaseBlock, SK.CatchClause, SK.ClassDeclaration, SK.ClassExpression, SK.ModuleBlock]) BLOCK_SCOPES[k] = 1;

/** Kinds that hold only types: nothing below them runs, so the walk skips them. */
const TYPE_ONLY = new Uint8Array(SK.Count);
for (let k = SK.FirstTypeNode; k <= SK.LastTypeNode; k++) TYPE_ONLY[k] = 1;
TYPE_ONLY[SK.InterfaceDeclaration] = 1;
TYPE_ONLY[SK.TypeAliasDeclaration] = 1;

export function isTypeOnly(node: TS.Node): boolean {
  return TYPE_ONLY[node.kind] === 1;
}

const OPAQUE: Decl = Object.freeze({ kind: 'opaque' });

function namesOf(name: TS.BindingName, out: string[] = []): string[] {
  if (ts.isIdentifier(name)) out.push(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) namesOf(el.name, out);
  return out;
}

export function createFacts(): FileFacts {
  return { scopes: new Map(), thisProps: new Map(), returns: new Map(), thisTypes: new Map(), fnNames: new Map(), callsByName: new Map() };
}

function declare(facts: FileFacts, scope: TS.Node, name: string, decl: Decl): void {
  let m = facts.scopes.get(scope);
  if (!m) facts.scopes.set(scope, (m = new Map()));
  if (!m.has(name)) m.set(name, decl);
}

/** The innermost function (or the file) of a chain. */
export function functionOf(chain: readonly TS.Node[]): TS.Node {
  for (const n of chain) if (n.kind === SK.SourceFile || opensScope(n)) return n;
  return chain[chain.length - 1] as TS.Node;
}

/** The innermost class of a chain, not crossing a `function` (which rebinds `this`). */
export function classOf(chain: readonly TS.Node[]): TS.Node | null {
  for (const n of chain) {
    if (n.kind === SK.ClassDeclaration || n.kind === SK.ClassExpression) return n;
    if (n.kind === SK.FunctionDeclaration || n.kind === SK.FunctionExpression) return null;
  }
  return null;
}

function propertyKey(name: TS.PropertyName | undefined): string | null {
  if (!name) return null;
  return ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name) ? name.text : null;
}

function pushThis(facts: FileFacts, cls: TS.Node | null, name: string, a: Assignment): void {
  if (cls === null) return;
  let m = facts.thisProps.get(cls);
  if (!m) facts.thisProps.set(cls, (m = new Map()));
  const list = m.get(name);
  if (list) list.push(a);
  else m.set(name, [a]);
}

function variable(facts: FileFacts, node: TS.VariableDeclaration, chain: readonly TS.Node[], scope: TS.Node): void {
  const loaded = node.initializer ? initializerModule(node.initializer) : null;
  if (loaded && ts.isIdentifier(node.name)) {
    declare(facts, scope, node.name.text, { kind: 'binding', module: loaded.module, imported: loaded.member ?? '*' });
  } else if (loaded && ts.isObjectBindingPattern(node.name)) {
    for (const el of node.name.elements) {
      const key = propertyKey(el.propertyName ?? (ts.isIdentifier(el.name) ? el.name : undefined));
      if (ts.isIdentifier(el.name)) declare(facts, scope, el.name.text, key === null ? OPAQUE : { kind: 'binding', module: loaded.module, imported: key });
    }
  } else if (ts.isIdentifier(node.name)) {
    const assigns: Assignment[] = node.initializer ? [{ expr: node.initializer, pos: node.pos, chain }] : [];
    if (node.initializer && (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer))) facts.fnNames.set(node.initializer, node.name.text);
    declare(facts, scope, node.name.text, { kind: 'var', assigns, type: node.type ?? null, chain });
  } else if (ts.isObjectBindingPattern(node.name) && node.initializer) {
    for (const el of node.name.elements) {
      const key = propertyKey(el.propertyName ?? (ts.isIdentifier(el.name) ? el.name : undefined));
      if (ts.isIdentifier(el.name) && key !== null && el.dotDotDotToken === undefined) {
        declare(facts, scope, el.name.text, { kind: 'member', expr: node.initializer, path: [key], chain });
      } else {
        for (const n of namesOf(el.name)) declare(facts, scope, n, OPAQUE);
      }
    }
  } else {
    for (const n of namesOf(node.name)) declare(facts, scope, n, OPAQUE);
  }
}

/**
 * Record what `node` declares, given the scope chain around it (innermost first), and return
 * whether the node opens a scope of its own (its children then live in it).
 */
export function recordNode(facts: FileFacts, node: TS.Node, chain: readonly TS.Node[]): boolean {
  const inner = chain[0] as TS.Node;
  switch (node.kind) {
    case SK.VariableDeclarationList: {
      // Parent links are not set (the parse is lean), so `var` is told from the list's flags here.
      const list = node as TS.VariableDeclarationList;
      const isVar = (list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const | ts.NodeFlags.Using)) === 0;
      for (const d of list.declarations) variable(facts, d, chain, isVar ? functionOf(chain) : inner);
      return false;
    }
    case SK.ClassDeclaration: {
      const name = (node as TS.ClassDeclaration).name;
      if (name) declare(facts, inner, name.text, OPAQUE);
      return true;
    }
    case SK.PropertyDeclaration: {
      const p = node as TS.PropertyDeclaration;
      const key = propertyKey(p.name);
      if (key !== null && p.initializer) pushThis(facts, classOf(chain), key, { expr: p.initializer, pos: p.pos, chain });
      else if (key !== null && p.type) setThisType(facts, classOf(chain), key, p.type, chain);
      return false;
    }
    case SK.BinaryExpression: {
      const b = node as TS.BinaryExpression;
      if (b.operatorToken.kind !== SK.EqualsToken) return false;
      const left = b.left;
      if (ts.isPropertyAccessExpression(left) && left.expression.kind === SK.ThisKeyword) {
        pushThis(facts, classOf(chain), left.name.text, { expr: b.right, pos: b.pos, chain });
      } else if (ts.isIdentifier(left)) {
        const found = lookupName(facts.scopes, chain, left.text);
        if (found?.decl.kind === 'var') found.decl.assigns.push({ expr: b.right, pos: b.pos, chain });
      }
      return false;
    }
    case SK.ReturnStatement: {
      const r = node as TS.ReturnStatement;
      if (r.expression) addReturn(facts, functionOf(chain), { expr: r.expression, pos: r.pos, chain });
      return false;
    }
    default: {
      if (BLOCK_SCOPES[node.kind] === 1) return true;
      if (!opensScope(node)) return false;
      const fn = node as TS.FunctionLikeDeclaration;
      const own = [node, ...chain];
      fn.parameters.forEach((p, index) => {
        if (ts.isIdentifier(p.name) && p.type && ts.isTypeReferenceNode(p.type)) {
          declare(facts, node, p.name.text, { kind: 'var', assigns: [], type: p.type, chain: own });
          // `constructor(private client: OpenAI)` is also `this.client`.
          if (ts.isConstructorDeclaration(fn) && ts.canHaveModifiers(p) && (ts.getModifiers(p) ?? []).length > 0) setThisType(facts, classOf(chain), p.name.text, p.type, own);
        } else if (ts.isIdentifier(p.name) && p.dotDotDotToken === undefined) {
          declare(facts, node, p.name.text, { kind: 'param', fn: node, index, name: p.name, initializer: p.initializer ?? null, chain: own });
        } else {
          for (const n of namesOf(p.name)) declare(facts, node, n, OPAQUE);
        }
      });
      if (ts.isFunctionDeclaration(fn) && fn.name) declare(facts, inner, fn.name.text, { kind: 'function', node });
      if (fn.body && !ts.isBlock(fn.body)) addReturn(facts, node, { expr: fn.body, pos: fn.body.pos, chain: own });
      return true;
    }
  }
}

function setThisType(facts: FileFacts, cls: TS.Node | null, name: string, type: TS.TypeNode, chain: readonly TS.Node[]): void {
  if (cls === null) return;
  let m = facts.thisTypes.get(cls);
  if (!m) facts.thisTypes.set(cls, (m = new Map()));
  m.set(name, { type, chain });
}

function addReturn(facts: FileFacts, fn: TS.Node, a: Assignment): void {
  const list = facts.returns.get(fn);
  if (list) list.push(a);
  else facts.returns.set(fn, [a]);
}

/** The declaration `name` refers to from inside `chain` (innermost scope first), and its scope. */
export function lookupName(scopes: ScopeMap, chain: readonly TS.Node[], name: string): { decl: Decl; scope: TS.Node } | undefined {
  for (const scope of chain) {
    const decl = scopes.get(scope)?.get(name);
    if (decl) return { decl, scope };
  }
  return undefined;
}

/**
 * The values that may reach a use at `pos` (seen from `chain`): walking back from the last
 * assignment before the use, every one is a candidate until one is certain to run before the use
 * in straight-line code (same function, in a block around the use). Assignments in other
 * functions (closures, callbacks) are candidates wherever they are.
 */
export function reaching(assigns: readonly Assignment[], pos: number, chain: readonly TS.Node[]): Assignment[] {
  const fn = functionOf(chain);
  const out: Assignment[] = [];
  for (let i = assigns.length - 1; i >= 0; i--) {
    const a = assigns[i] as Assignment;
    const sameFn = functionOf(a.chain) === fn;
    if (sameFn && a.pos >= pos) continue;
    out.push(a);
    if (sameFn && chain.includes(a.chain[0] as TS.Node)) break;
  }
  return out;
}
