// orch:regression-markers (docs/architecture/regression-markers.md) = MAIN_REGRESSION_MARKERS,
// and each marker resolved in code with ts-morph: a file that no longer declares its symbol is a
// finding naming the ticket. Enabled when issue 6's registry is named in model.regressionMarkers.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceFile } from 'ts-morph';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { regressionMarkersShape } from '../model/shapes.ts';
import { docOption } from './options.ts';
import type { BlockFamily } from './types.ts';
import { toYaml, yamlEntries } from './yaml.ts';

/** Is the top-level `name` exported: `export` on its declaration, or in the file's own `export { name }`? */
function exported(sf: SourceFile, name: string, hasExportKeyword: boolean): boolean {
  if (hasExportKeyword) return true;
  return sf.getExportDeclarations().some((d) => d.getModuleSpecifier() === undefined && d.getNamedExports().some((s) => s.getName() === name));
}

/**
 * Does the file declare and export `symbol` (`name`, or `Class.member` of an exported class) at
 * its top level? A marker names an exported symbol (RegressionMarker.symbol): a function that lost
 * its `export` is no longer what the fix of the ticket relied on. Syntax only, no type checker.
 */
export function declares(sf: SourceFile, symbol: string): boolean {
  const [head, member] = symbol.split('.', 2) as [string, string | undefined];
  if (member !== undefined) {
    const cls = sf.getClass(head);
    return cls !== undefined && exported(sf, head, cls.hasExportKeyword()) && (cls.getMember(member) !== undefined || cls.getStaticMember(member) !== undefined);
  }
  const variable = sf.getVariableStatement(head);
  const declaration = sf.getFunction(head) ?? sf.getClass(head) ?? sf.getInterface(head) ?? sf.getTypeAlias(head) ?? sf.getEnum(head) ?? variable;
  return declaration !== undefined && exported(sf, head, declaration.hasExportKeyword());
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
          // ts-morph's Project is loaded only by repos that enable this block.
          const { Project } = await import('ts-morph');
          const project = new Project({ skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true, compilerOptions: { allowJs: true } });
          const findings: Diagnostic[] = [];
          const data = markers.map((m) => ({ ticket: m.ticket, symbol: m.symbol, file: m.file }));
          for (const m of data) {
            const path = join(ctx.root, m.file);
            const sf = existsSync(path) ? project.addSourceFileAtPath(path) : undefined;
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
