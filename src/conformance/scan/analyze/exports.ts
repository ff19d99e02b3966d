// What a file exports that is an SDK handle, or a function returning one (a client getter): files
// importing it see a client made here (analyze-files.ts passes it on as AnalyzeOptions.imported).
import type { ts as TS } from 'ts-morph';
import { ts } from '../ts.ts';
import { resolveCallee, type CalleeContext, type Target } from '../callee.ts';
import { lookupName, reaching } from '../scopes.ts';

const { SyntaxKind: SK } = ts;

const hasExport = (n: TS.Node) => ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === SK.ExportKeyword);
const isDefault = (n: TS.Node) => ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === SK.DefaultKeyword);

/** What the file exports that is an SDK handle, or a function returning one (a client getter). */
export function exportedHandles(sf: TS.SourceFile, ctx: CalleeContext): Map<string, Target[]> {
  const out = new Map<string, Target[]>();
  const top = [sf];
  const keep = (targets: readonly Target[]): Target[] => {
    const direct = targets.filter((t) => t.kind === 'instance');
    const fns = targets.filter((t): t is Extract<Target, { kind: 'function' }> => t.kind === 'function');
    const gives = fns.flatMap((f) => (ctx.facts.returns.get(f.node) ?? []).flatMap((a) => resolveCallee(a.expr, ctx, a.chain))).filter((t) => t.kind === 'instance');
    return gives.length > 0 ? [...direct, { kind: 'factory', gives }] : direct;
  };
  const ofName = (local: string): Target[] => {
    const hit = lookupName(ctx.facts.scopes, top, local);
    if (!hit) return [];
    if (hit.decl.kind === 'var') return keep(reaching(hit.decl.assigns, sf.end, top).flatMap((a) => resolveCallee(a.expr, ctx, a.chain)));
    if (hit.decl.kind === 'function') return keep([{ kind: 'function', node: hit.decl.node }]);
    return [];
  };
  const add = (name: string, targets: Target[]) => {
    if (targets.length > 0) out.set(name, targets);
  };
  for (const stmt of sf.statements) {
    if (ts.isVariableStatement(stmt) && hasExport(stmt)) {
      for (const d of stmt.declarationList.declarations) if (ts.isIdentifier(d.name)) add(d.name.text, ofName(d.name.text));
    } else if (ts.isFunctionDeclaration(stmt) && hasExport(stmt) && stmt.name) {
      add(isDefault(stmt) ? 'default' : stmt.name.text, ofName(stmt.name.text));
    } else if (ts.isExportAssignment(stmt)) {
      add('default', keep(resolveCallee(stmt.expression, ctx, top)));
    } else if (ts.isExportDeclaration(stmt) && !stmt.moduleSpecifier && stmt.exportClause && ts.isNamedExports(stmt.exportClause)) {
      for (const el of stmt.exportClause.elements) add(el.name.text, ofName((el.propertyName ?? el.name).text));
    }
  }
  return out;
}
