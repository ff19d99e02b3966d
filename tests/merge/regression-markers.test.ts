// MAIN_REGRESSION_MARKERS: every (ticket, symbol, file) resolves, with ts-morph, to an exported
// declaration of that name in that file. Derived from the registry, not a copy of it.
import { resolve } from 'node:path';
import { Node, Project } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { MAIN_REGRESSION_MARKERS } from '../../src/merge/regression-markers.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe('MAIN_REGRESSION_MARKERS', () => {
  // Syntax only (no type checker, which would cost seconds): `export` declarations and `export { x }`.
  const project = new Project({ skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true });
  const exportedIn = (file: string): Set<string> => {
    const source = project.addSourceFileAtPath(resolve(ROOT, file));
    const names = new Set<string>();
    for (const statement of source.getStatements()) {
      if (Node.isVariableStatement(statement) && statement.hasExportKeyword()) for (const d of statement.getDeclarations()) names.add(d.getName());
      else if ((Node.isFunctionDeclaration(statement) || Node.isClassDeclaration(statement) || Node.isInterfaceDeclaration(statement) || Node.isTypeAliasDeclaration(statement)) && statement.hasExportKeyword()) {
        const name = statement.getName();
        if (name) names.add(name);
      } else if (Node.isExportDeclaration(statement) && !statement.getModuleSpecifier()) for (const spec of statement.getNamedExports()) names.add(spec.getAliasNode()?.getText() ?? spec.getName());
    }
    return names;
  };

  it('holds at least the classifier, the gate check and the runner, each once', () => {
    const keys = MAIN_REGRESSION_MARKERS.map((m) => `${m.ticket}:${m.symbol}:${m.file}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(expect.arrayContaining(['ORCH-110:classifyRetestFailure:src/merge/classify.ts', 'ORCH-110:checkBranchMergeable:src/merge/check.ts']));
  });

  it.each(MAIN_REGRESSION_MARKERS.map((m) => [`${m.ticket} ${m.symbol}`, m] as const))('%s resolves to an export of its file', (_name, marker) => {
    expect(exportedIn(marker.file).has(marker.symbol)).toBe(true);
  });

  it('a marker naming a missing symbol would not resolve', () => {
    expect(exportedIn('src/merge/classify.ts').has('classify_retest_failure')).toBe(false);
  });
});
