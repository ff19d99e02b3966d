// orch:regression-markers (docs/architecture/regression-markers.md) = MAIN_REGRESSION_MARKERS,
// and each marker resolved in code with the TypeScript parser: a file that no longer declares its symbol is a
// finding naming the ticket. Enabled when issue 6's registry is named in model.regressionMarkers.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ts as TS } from 'ts-morph';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { regressionMarkersShape } from '../model/shapes.ts';
import { parseFile } from '../scan/parse.ts';
import { ts } from '../scan/ts.ts';
import { docOption } from './options.ts';
import type { BlockFamily } from './types.ts';
import { toYaml, yamlEntries } from './yaml.ts';

const hasExportKeyword = (node: TS.Node): boolean => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

/** Is the top-level `name` exported: `export` on its declaration, or in the file's own `export { name }`? */
function exported(sf: TS.SourceFile, name: string, declaration: TS.Node): boolean {
  if (hasExportKeyword(declaration)) return true;
  return sf.statements.some(
    (s) => ts.isExportDeclaration(s) && s.moduleSpecifier === undefined && s.exportClause !== undefined && ts.isNamedExports(s.exportClause) && s.exportClause.elements.some((e) => (e.propertyName ?? e.name).text === name),
  );
}

/** The top-level declaration named `name`: a function, class, interface, type alias, enum or variable statement. */
function topLevel(sf: TS.SourceFile, name: string): TS.Statement | undefined {
  return sf.statements.find((s) => {
    if (ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s) || ts.isEnumDeclaration(s)) return s.name?.text === name;
    if (ts.isVariableStatement(s)) return s.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name);
    return false;
  });
}

/**
 * Does the file declare and export `symbol` (`name`, or `Class.member` of an exported class) at
 * its top level? A marker names an exported symbol (RegressionMarker.symbol): a function that lost
 * its `export` is no longer what the fix of the ticket relied on. Syntax only, no type checker:
 * the parser the scanner has loaded already, not ts-morph's project layer.
 */
export function declares(sf: TS.SourceFile, symbol: string): boolean {
  const [head, member] = symbol.split('.', 2) as [string, string | undefined];
  const declaration = topLevel(sf, head);
  if (declaration === undefined || !exported(sf, head, declaration)) return false;
  if (member === undefined) return true;
  return ts.isClassDeclaration(declaration) && declaration.members.some((m) => m.name !== undefined && !ts.isComputedPropertyName(m.name) && !ts.isPrivateIdentifier(m.name) && m.name.text === member);
}

/** A file of the repo, parsed for declares(). */
export function parseForMarkers(path: string): TS.SourceFile {
  return parseFile(path, readFileSync(path, 'utf8'));
}

export const regressionMarkersBlock: BlockFamily<{ doc: string }> = {
  name: 'regression-markers',
  options: docOption('docs/architecture/regression-markers.md'),
  requires: ['regressionMarkers'],
  async instances(ctx, { doc }) {
    return [
      {
        name: 'regression-markers',
        lang: 'yaml',
        doc,
        async derive() {
          const markers = await ctx.model.get('regressionMarkers', regressionMarkersShape);
          const registry = ctx.model.fileOf('regressionMarkers');
          const findings: Diagnostic[] = [];
          const data = markers.map((m) => ({ ticket: m.ticket, symbol: m.symbol, file: m.file }));
          for (const m of data) {
            const path = join(ctx.root, m.file);
            const sf = existsSync(path) ? parseForMarkers(path) : undefined;
            if (!sf || !declares(sf, m.symbol)) {
              const why = sf ? `${m.file} does not declare ${m.symbol}` : `${m.file} does not exist`;
              findings.push(diagnostic(registry, 1, 1, 'marker-unresolved', `orch:regression-markers: entry "${m.ticket}#${m.symbol}": ${why}; the fix of ${m.ticket} depends on it`));
            }
          }
          return {
            body: toYaml(data, { flowItems: true }),
            entries: data.map((d) => ({ key: `${d.ticket}#${d.symbol}`, data: d })),
            source: registry,
            findings,
          };
        },
        parse: (body) => yamlEntries(body, (item) => {
          const m = item as { ticket?: unknown; symbol?: unknown };
          return typeof m?.ticket === 'string' && typeof m.symbol === 'string' ? `${m.ticket}#${m.symbol}` : null;
        }),
      },
    ];
  },
};
