// Finding the single LLM transport (the function whose JSDoc carries the configured tag, or the
// one the config names) and every name other modules can import it under (re-exports followed
// to a fixpoint), so call-sites are found through aliases, barrels and namespaces.
import { basename } from 'node:path';
import type { ts as TS } from 'ts-morph';
import { ts } from './ts.ts';
import { buildImportTable } from './imports.ts';

export interface TransportDecl {
  /** Relative path of the declaring file. */
  readonly file: string;
  readonly name: string;
  readonly line: number;
}

function hasTag(node: TS.Node, tag: string): boolean {
  return ts.getJSDocTags(node).some((t) => t.tagName.text === tag);
}

function isFunctionInit(e: TS.Expression | undefined): boolean {
  return e !== undefined && (ts.isArrowFunction(e) || ts.isFunctionExpression(e));
}

/** Top-level functions (declarations, or consts holding a function) marked with `@tag`, or named `only`. */
export function findTransportDecls(sf: TS.SourceFile, file: string, tag: string, only?: string): TransportDecl[] {
  const out: TransportDecl[] = [];
  const line = (n: TS.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const wanted = (n: TS.Node, name: string) => (only === undefined ? hasTag(n, tag) : name === only);
  for (const stmt of sf.statements) {
    if (ts.isFunctionDeclaration(stmt) && stmt.name && wanted(stmt, stmt.name.text)) {
      out.push({ file, name: stmt.name.text, line: line(stmt) });
    } else if (ts.isVariableStatement(stmt)) {
      for (const d of stmt.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && isFunctionInit(d.initializer) && (wanted(stmt, d.name.text) || (only === undefined && hasTag(d, tag)))) {
          out.push({ file, name: d.name.text, line: line(d) });
        }
      }
    }
  }
  return out;
}

const hasModifier = (n: TS.Node, kind: TS.SyntaxKind) => ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === kind);

/** The names the declaring file exports the transport under (`spawnAgent`, `default`, aliases). */
export function ownExports(sf: TS.SourceFile, name: string): Set<string> {
  const names = new Set<string>();
  for (const stmt of sf.statements) {
    const declares =
      (ts.isFunctionDeclaration(stmt) && stmt.name?.text === name) ||
      (ts.isVariableStatement(stmt) && stmt.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name));
    if (declares && hasModifier(stmt, ts.SyntaxKind.ExportKeyword)) names.add(hasModifier(stmt, ts.SyntaxKind.DefaultKeyword) ? 'default' : name);
    if (ts.isExportAssignment(stmt) && ts.isIdentifier(stmt.expression) && stmt.expression.text === name) names.add('default');
    if (ts.isExportDeclaration(stmt) && !stmt.moduleSpecifier && stmt.exportClause && ts.isNamedExports(stmt.exportClause)) {
      for (const el of stmt.exportClause.elements) if ((el.propertyName ?? el.name).text === name) names.add(el.name.text);
    }
  }
  return names;
}

/**
 * What a module specifier of this file names: the names the module it resolves to exports the
 * transport under, or undefined when it is none of those (or not a file of the repo).
 */
export type TransportLookup = (specifier: string) => ReadonlySet<string> | undefined;

/**
 * Names a module re-exports the transport under, given what the modules it imports export
 * (`lookup`: names, dotted for namespaces: `llm.spawnAgent`). Other files are reached only
 * through `lookup`, so the scan's cache can record what was asked (cache.ts).
 */
export function reExports(sf: TS.SourceFile, lookup: TransportLookup): Set<string> {
  const names = new Set<string>();
  const table = buildImportTable(sf);
  for (const stmt of sf.statements) {
    if (!ts.isExportDeclaration(stmt) || stmt.isTypeOnly) continue;
    const spec = stmt.moduleSpecifier;
    const theirs = spec && ts.isStringLiteral(spec) ? lookup(spec.text) : undefined;
    const clause = stmt.exportClause;
    if (theirs) {
      if (!clause) {
        for (const n of theirs) if (n !== 'default') names.add(n);
      } else if (ts.isNamespaceExport(clause)) {
        for (const n of theirs) names.add(`${clause.name.text}.${n}`);
      } else {
        for (const el of clause.elements) if (theirs.has((el.propertyName ?? el.name).text)) names.add(el.name.text);
      }
    } else if (!stmt.moduleSpecifier && clause && ts.isNamedExports(clause)) {
      // `import { spawnAgent } from './x.ts'; export { spawnAgent as run };`
      for (const el of clause.elements) {
        const b = table.bindings.get((el.propertyName ?? el.name).text);
        const srcNames = b ? lookup(b.module) : undefined;
        if (!b || !srcNames) continue;
        if (b.imported === '*') for (const n of srcNames) names.add(`${el.name.text}.${n}`);
        else if (srcNames.has(b.imported)) names.add(el.name.text);
      }
    }
  }
  return names;
}

/** Tokens that a file importing the transport must contain: its names, and its modules' base names. */
export function transportTokens(exporters: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const tokens = new Set<string>();
  for (const [abs, names] of exporters) {
    tokens.add(basename(abs).replace(/\.[cm]?[jt]sx?$/, ''));
    for (const n of names) for (const part of n.split('.')) if (part !== 'default' && part !== '*') tokens.add(part);
  }
  return [...tokens];
}
