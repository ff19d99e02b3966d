// The per-file import table: which local name stands for which export of which module (named,
// default and namespace imports, aliases, `import x = require()`), from the file's top-level
// statements. Names bound by `require()` or `await import()` in a variable live in their
// function's scope, and every `require()`/`import()` call is a module use: both are collected by
// the one pass of scopes.ts. Type-only imports are marked: they never reach anything at run time.
import type { ts as TS } from 'ts-morph';
import { ts } from './ts.ts';

export interface Binding {
  readonly local: string;
  readonly module: string;
  /** 'default', '*' (namespace / CommonJS module object), or the imported export's name. */
  readonly imported: string;
  readonly typeOnly: boolean;
}

/** A place that loads a module: import declaration, require(), import(), re-export. */
export interface ModuleUse {
  readonly module: string;
  readonly node: TS.Node;
  readonly typeOnly: boolean;
}

export interface ImportTable {
  readonly bindings: ReadonlyMap<string, Binding>;
  readonly uses: readonly ModuleUse[];
  /** The names one import declaration binds. */
  bindingsOf(node: TS.Node): readonly Binding[];
}

/** The module a `require('m')` or `import('m')` call loads, or null. */
export function loadedModule(node: TS.Node): string | null {
  let n = node;
  while (ts.isAwaitExpression(n) || ts.isParenthesizedExpression(n)) n = n.expression;
  if (!ts.isCallExpression(n)) return null;
  const arg = n.arguments[0];
  if (!arg || !ts.isStringLiteralLike(arg)) return null;
  const isRequire = ts.isIdentifier(n.expression) && n.expression.text === 'require';
  const isImport = n.expression.kind === ts.SyntaxKind.ImportKeyword;
  return isRequire || isImport ? arg.text : null;
}

/** `require('m')`, `require('m').x`, `await import('m')`, `(await import('m')).x` as an initializer. */
export function initializerModule(init: TS.Expression): { module: string; member: string | null } | null {
  const direct = loadedModule(init);
  if (direct !== null) return { module: direct, member: null };
  if (ts.isPropertyAccessExpression(init)) {
    const inner = loadedModule(init.expression);
    if (inner !== null) return { module: inner, member: init.name.text };
  }
  return null;
}

/** Static imports and re-exports of the file's top level. */
export function buildImportTable(sf: TS.SourceFile): ImportTable {
  const bindings = new Map<string, Binding>();
  const uses: ModuleUse[] = [];
  const byDecl = new Map<TS.Node, Binding[]>();
  let current: Binding[] = [];
  const add = (b: Binding) => {
    current.push(b);
    if (!bindings.has(b.local)) bindings.set(b.local, b);
  };
  for (const node of sf.statements) {
    current = [];
    byDecl.set(node, current);
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const module = node.moduleSpecifier.text;
      const clause = node.importClause;
      const declTypeOnly = clause?.isTypeOnly ?? false;
      let runtime = clause === undefined; // a side-effect import loads the module
      if (clause?.name) {
        add({ local: clause.name.text, module, imported: 'default', typeOnly: declTypeOnly });
        runtime ||= !declTypeOnly;
      }
      const named = clause?.namedBindings;
      if (named && ts.isNamespaceImport(named)) {
        add({ local: named.name.text, module, imported: '*', typeOnly: declTypeOnly });
        runtime ||= !declTypeOnly;
      } else if (named) {
        for (const el of named.elements) {
          const typeOnly = declTypeOnly || el.isTypeOnly;
          add({ local: el.name.text, module, imported: (el.propertyName ?? el.name).text, typeOnly });
          runtime ||= !typeOnly;
        }
        // `import {} from 'm'` still loads m.
        if (named.elements.length === 0 && !declTypeOnly) runtime = true;
      }
      uses.push({ module, node, typeOnly: !runtime });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      uses.push({ module: node.moduleSpecifier.text, node, typeOnly: node.isTypeOnly });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expr = node.moduleReference.expression;
      if (ts.isStringLiteral(expr)) {
        add({ local: node.name.text, module: expr.text, imported: '*', typeOnly: node.isTypeOnly });
        uses.push({ module: expr.text, node, typeOnly: node.isTypeOnly });
      }
    }
  }
  return { bindings, uses, bindingsOf: (node) => byDecl.get(node) ?? [] };
}
