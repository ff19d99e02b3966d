// The SARIF 2.1.0 rendering, for code-scanning UIs: one run, every rule the harness knows, one
// result per finding located relative to the scanned root.
import { pathToFileURL } from 'node:url';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { DriftReport } from '../engine.ts';
import { RULES, type RuleId } from './diagnostic.ts';

/** The final SARIF 2.1.0 schema (OASIS Standard with errata 01); a copy is in fixtures/sarif/. */
export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

export function toSarif(report: DriftReport, root: string, version: string): Log {
  const ids = Object.keys(RULES) as RuleId[];
  const rules: ReportingDescriptor[] = ids.map((id) => ({
    id,
    shortDescription: { text: RULES[id] },
    defaultConfiguration: { level: 'error' },
  }));
  const results: Result[] = report.diagnostics.map((d) => ({
    ruleId: d.ruleId,
    ruleIndex: ids.indexOf(d.ruleId),
    level: 'error',
    message: { text: d.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: d.file, uriBaseId: 'ROOT' },
          region: { startLine: d.line, startColumn: d.column },
        },
      },
    ],
  }));
  const rootUri = pathToFileURL(root.endsWith('/') ? root : `${root}/`).href;
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'orch drift', version, rules } },
        originalUriBaseIds: { ROOT: { uri: rootUri } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

export function renderSarif(report: DriftReport, root: string, version: string): string {
  return `${JSON.stringify(toSarif(report, root, version), null, 2)}\n`;
}
