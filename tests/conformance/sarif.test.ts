import { describe, expect, it } from 'vitest';
import { RULES, diagnostic } from '../../src/conformance/diagnostics/diagnostic.ts';
import { toSarif } from '../../src/conformance/diagnostics/render-sarif.ts';
import type { DriftReport } from '../../src/conformance/engine.ts';
import { sarifValidator } from './helpers.ts';

const validate = sarifValidator();

const report: DriftReport = {
  diagnostics: [
    diagnostic('docs/architecture/pipeline.md', 12, 1, 'block-entry-differs', 'orch:verdict-keys: entry "review_status" differs'),
    diagnostic('src/ai/chat.ts', 3, 1, 'llm-sdk-import', 'orch:llm-inventory: entry "src/ai/chat.ts#<module>:sdk-import:0": imports the LLM SDK "openai"'),
  ],
  repairs: [],
  stats: { blocks: 1, docs: 1, filesScanned: 1, filesParsed: 1 },
};

describe('SARIF rendering', () => {
  it('validates against the SARIF 2.1.0 schema, with and without results', () => {
    for (const r of [report, { ...report, diagnostics: [] }]) {
      const result = validate(toSarif(r, '/work/repo', '0.1.0'));
      expect(result.ok, result.errors).toBe(true);
    }
  });

  it('the validator is not a rubber stamp: a broken log fails', () => {
    const log = toSarif(report, '/work/repo', '0.1.0') as unknown as { runs: { results: { level: string }[] }[] };
    (log.runs[0] as { results: { level: string }[] }).results[0]!.level = 'fatal';
    expect(validate(log).ok).toBe(false);
  });

  it('locates each result relative to the root and points at its rule', () => {
    const log = toSarif(report, '/work/repo', '0.1.0');
    const run = log.runs[0]!;
    expect(run.originalUriBaseIds?.ROOT?.uri).toBe('file:///work/repo/');
    expect(run.tool.driver.rules?.length).toBe(Object.keys(RULES).length);
    const result = run.results![1]!;
    expect(result.ruleId).toBe('llm-sdk-import');
    expect(run.tool.driver.rules![result.ruleIndex!]!.id).toBe('llm-sdk-import');
    expect(result.locations![0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'src/ai/chat.ts', uriBaseId: 'ROOT' }, region: { startLine: 3, startColumn: 1 } });
  });
});
