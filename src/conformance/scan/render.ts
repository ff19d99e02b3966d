// Renderings of an `orch scan`: text for people, one JSON object for tools, SARIF 2.1.0 for code
// scanning UIs (with each result's baselineState when a baseline is given).
import { pathToFileURL } from 'node:url';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import { SARIF_SCHEMA } from '../diagnostics/render-sarif.ts';
import { FINDING_KINDS, type FindingKind } from './analyze.ts';
import type { DirectoryScan, ScanFinding } from './standalone.ts';

export const KIND_DESCRIPTIONS: Readonly<Record<FindingKind, string>> = Object.freeze({
  'transport-call': "A call of the repo's single LLM transport (allowed; listed for the inventory).",
  'sdk-import': 'An LLM SDK is imported and something it makes or sends is used.',
  'sdk-call': 'A call that sends a request through an LLM SDK (per the rules table).',
  'agent-spawn': 'A process spawn runs an agent CLI (also through npx, pnpm dlx, bunx, yarn dlx, sh -c).',
  'llm-fetch': 'An HTTP request to a known LLM API host, or to a base URL configured from an LLM environment variable.',
  'unresolved-spawn': 'A process spawn whose program is not known statically.',
  'unresolved-fetch': 'An HTTP request whose host is not known statically.',
});

function describe(f: ScanFinding): string {
  const what = f.sdk === null ? f.callee : `${f.sdk}: ${f.callee}`;
  return `${f.kind} (${what})`;
}

export function renderScanText(scan: DirectoryScan, failing: ReadonlySet<ScanFinding>, baselined: boolean): string {
  const lines = scan.findings.map((f) => `${f.file}:${f.line}:${f.column}  ${describe(f)}${baselined && !failing.has(f) && f.kind !== 'transport-call' ? '  [baseline]' : ''}`);
  for (const p of scan.problems) lines.push(`${p.file}:${p.line}:${p.column}  ${p.ruleId}  ${p.message}`);
  const n = failing.size;
  // With --cache, the files past the prefilter are those parsed and those the cache answered for.
  const parsed = scan.cache ? `${scan.parsed - scan.cache.hits} parsed, ${scan.cache.hits} from the cache` : `${scan.parsed} parsed`;
  const summary = `orch scan: ${scan.findings.length} finding${scan.findings.length === 1 ? '' : 's'}${baselined ? `, ${n} not in the baseline` : ''} (${scan.files} file${scan.files === 1 ? '' : 's'}, ${parsed}, ${scan.ms} ms)`;
  return `${[...lines, summary].join('\n')}\n`;
}

export function renderScanJson(scan: DirectoryScan): string {
  const { findings, files, parsed, ms } = scan;
  return `${JSON.stringify({ findings, files, parsed, ms, problems: scan.problems, ...(scan.cache ? { cache: scan.cache } : {}) }, null, 2)}\n`;
}

export function toScanSarif(scan: DirectoryScan, failing: ReadonlySet<ScanFinding>, baselined: boolean, version: string): Log {
  const rules: ReportingDescriptor[] = FINDING_KINDS.map((id) => ({ id, shortDescription: { text: KIND_DESCRIPTIONS[id] }, defaultConfiguration: { level: id === 'transport-call' ? 'note' : 'error' } }));
  const results: Result[] = scan.findings.map((f) => ({
    ruleId: f.kind,
    ruleIndex: FINDING_KINDS.indexOf(f.kind),
    level: f.kind === 'transport-call' ? 'note' : 'error',
    message: { text: describe(f) },
    partialFingerprints: { orchScanId: f.id },
    ...(baselined ? { baselineState: failing.has(f) || f.kind === 'transport-call' ? ('new' as const) : ('unchanged' as const) } : {}),
    locations: [{ physicalLocation: { artifactLocation: { uri: f.file, uriBaseId: 'ROOT' }, region: { startLine: f.line, startColumn: f.column } } }],
  }));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'orch scan', version, informationUri: 'https://github.com/orch/orch/blob/main/docs/conformance.md', rules } },
        originalUriBaseIds: { ROOT: { uri: pathToFileURL(scan.root.endsWith('/') ? scan.root : `${scan.root}/`).href } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}
