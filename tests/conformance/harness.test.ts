// The harness config, the inventory logic (axis, predicate, classes, roles of a call-site), and
// the SARIF rendering. (One file: each test file costs a process.)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LLM_SDKS } from '../../src/conformance/config/defaults.ts';
import { loadHarnessConfig, resolveHarnessConfig } from '../../src/conformance/config/load.ts';
import { ConfigError, ERROR_CODES, InvalidInputError } from '../../src/errors.ts';
import { classAgrees, classify, isAvoidable } from '../../src/conformance/inventory/classify.ts';
import { buildInventory } from '../../src/conformance/inventory/build.ts';
import { consumedKeys, rolesOfCall } from '../../src/conformance/inventory/roles.ts';
import type { ScanResult } from '../../src/conformance/scan/scan.ts';
import { ROLES } from '../../src/core/stages.ts';
import { VERDICT_KEYS } from '../../src/core/verdict-keys.ts';
import { RULES, diagnostic } from '../../src/conformance/diagnostics/diagnostic.ts';
import { toSarif } from '../../src/conformance/diagnostics/render-sarif.ts';
import type { DriftReport } from '../../src/conformance/engine.ts';
import { SARIF_SCHEMA_FILE, sarifValidator } from './helpers.ts';

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('resolveHarnessConfig', () => {
  it('applies the defaults and freezes the result', () => {
    const c = resolveHarnessConfig('/repo', {});
    expect(c.docs).toBe('docs');
    expect(c.sources).toEqual(['src']);
    expect(c.transport).toEqual({ tag: 'llmTransport', symbol: null });
    expect(c.llm.sdks).toEqual(DEFAULT_LLM_SDKS);
    expect(c.blocks.size).toBe(0);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names the key, the value and what is allowed', () => {
    const e = errorOf(() => resolveHarnessConfig('/repo', { sources: ['../elsewhere'] }));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toBe('orch.conformance.json: sources.0="../elsewhere" is invalid: a path inside the repo, relative to its root');
    const bad = errorOf(() => resolveHarnessConfig('/repo', { model: { roles: 'src/stages.ts' } }));
    expect(bad.message).toBe('orch.conformance.json: model.roles="src/stages.ts" is invalid: a module reference "path/to/file.ts#exportName" inside the repo');
  });

  it('refuses an unknown key, an unknown block, and a block whose registry is not named', () => {
    expect(errorOf(() => resolveHarnessConfig('/repo', { doc: 'docs' })).message).toMatch(/^orch\.conformance\.json=.*is invalid: Unrecognized key: "doc"$/);
    expect(errorOf(() => resolveHarnessConfig('/repo', { blocks: { nope: {} } })).message).toBe(
      'orch.conformance.json: blocks.nope={} is invalid: a block name: one of stage-transitions, verdict-keys, config, db-schema, llm-inventory, role-cards, scan-rules, qg-checks, reserved-agents, regression-markers, layers, http-queue',
    );
    expect(errorOf(() => resolveHarnessConfig('/repo', { blocks: { 'stage-transitions': {} } })).message).toBe(
      'orch.conformance.json: model.stageTransitions=undefined is invalid: a module reference "path#export", needed by block stage-transitions',
    );
  });

  it('validates each block\'s own options in the block', () => {
    const e = errorOf(() =>
      resolveHarnessConfig('/repo', {
        model: { roles: 'a.ts#R', verdictKeys: 'a.ts#V' },
        blocks: { 'llm-inventory': { judgments: { tester: { deterministic_equivalent: 'yes', justification: 'x' } } } },
      }),
    );
    expect(e.message).toBe('orch.conformance.json: blocks.llm-inventory.judgments.tester.deterministic_equivalent="yes" is invalid: Invalid input: expected boolean, received string');
  });
});

describe('loadHarnessConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orch-harness-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is a usage error when the root or its config is missing', () => {
    const missing = errorOf(() => loadHarnessConfig(join(dir, 'nope')));
    expect(missing).toBeInstanceOf(InvalidInputError);
    expect(missing.message).toBe(`--root ${join(dir, 'nope')}: not a directory`);
    expect((errorOf(() => loadHarnessConfig(dir)) as InvalidInputError).code).toBe(ERROR_CODES.INVALID_INPUT);
  });

  it('reports JSON that does not parse as a config error', () => {
    writeFileSync(join(dir, 'orch.conformance.json'), '{ "docs": ');
    const e = errorOf(() => loadHarnessConfig(dir));
    expect((e as ConfigError).code).toBe(ERROR_CODES.CONFIG_INVALID);
    expect(e.message).toContain('is invalid: valid JSON');
  });
});

const roles = ROLES.map((r) => ({ ...r }));

describe('the avoidable-LLM-control-path predicate', () => {
  it.each([
    ['C', true, false, true, 'replace-deterministic-now'],
    ['C', true, true, true, 'implemented-deterministic'],
    ['C', false, false, false, 'keep-llm'],
    ['P', true, false, false, 'not-control-path'],
    ['P', false, false, false, 'not-control-path'],
  ] as const)('axis %s, deterministic %s, implemented %s: avoidable %s, class %s', (axis, det, implemented, avoidable, cls) => {
    expect(isAvoidable(axis, det)).toBe(avoidable);
    expect(classify(axis, det, implemented)).toBe(cls);
    expect(classAgrees(axis, det, cls)).toBe(true);
  });

  it('rejects a class that contradicts the bits', () => {
    expect(classAgrees('C', true, 'keep-llm')).toBe(false);
    expect(classAgrees('P', false, 'keep-llm')).toBe(false);
    expect(classAgrees('C', false, 'implemented-deterministic')).toBe(false);
  });
});

describe('rolesOfCall', () => {
  it('takes a role: property first, then role or stage literals, else reaches every LLM role', () => {
    expect(rolesOfCall(['reviewer'], ['x'], roles)).toEqual({ roles: ['reviewer'], dynamic: false, invalid: [] });
    expect(rolesOfCall(['summarizer', 'deploy-finalizer'], [], roles)).toEqual({ roles: [], dynamic: false, invalid: ['summarizer', 'deploy-finalizer'] });
    expect(rolesOfCall([], ['testing', 'prompt text'], roles)).toEqual({ roles: ['tester'], dynamic: false, invalid: [] });
    expect(rolesOfCall([], ['prompt text'], roles)).toEqual({
      roles: ['analyst', 'architect', 'developer', 'reviewer', 'tester', 'deployer'],
      dynamic: true,
      invalid: [],
    });
  });
});

describe('consumedKeys', () => {
  it('reads a declared verdictKey, or the key a check_<key> id names', () => {
    const keys = consumedKeys({ 'review->testing': ['check_review_status'], 'testing->deploy-staging': [{ id: 'check_tests', verdictKey: 'test_status' }], 'development->review': ['check_branch_has_commits'] });
    expect([...keys].sort()).toEqual(['branch_has_commits', 'review_status', 'test_status']);
  });
});

const scan = (findings: ScanResult['findings'], transport: ScanResult['transport'] = { file: 'src/launcher/spawn.ts', name: 'spawnAgent', line: 3 }): ScanResult => ({
  filesScanned: 10,
  filesParsed: 2,
  transport,
  findings,
  problems: [],
});

const JUDGMENTS = {
  analyst: { deterministic_equivalent: false, justification: 'a' },
  architect: { deterministic_equivalent: false, justification: 'a' },
  developer: { deterministic_equivalent: false, justification: 'a' },
  reviewer: { deterministic_equivalent: false, justification: 'r' },
  tester: { deterministic_equivalent: true, justification: 't' },
  deployer: { deterministic_equivalent: true, justification: 'd' },
};

const base = {
  roles,
  consumed: new Set(Object.keys(VERDICT_KEYS)),
  axisSource: 'verdict-keys' as const,
  reserved: new Map<string, string>(),
  judgments: JUDGMENTS,
  documented: {},
  configFile: 'orch.conformance.json',
};

describe('buildInventory', () => {
  it('gives the expected classes: avoidable = {tester, deployer}, reviewer keep-llm', () => {
    const { data, findings } = buildInventory({ ...base, scan: scan([]) });
    expect(findings).toEqual([]);
    expect(data.roles.map((r) => [r.role, r.axis, r.avoidable, r.class])).toEqual([
      ['analyst', 'P', false, 'not-control-path'],
      ['architect', 'P', false, 'not-control-path'],
      ['developer', 'P', false, 'not-control-path'],
      ['reviewer', 'C', false, 'keep-llm'],
      ['tester', 'C', true, 'replace-deterministic-now'],
      ['deployer', 'C', true, 'replace-deterministic-now'],
    ]);
  });

  it('marks the deployer implemented-deterministic once a reserved agent runs deploy-staging', () => {
    const { data } = buildInventory({ ...base, scan: scan([]), reserved: new Map([['staging-runner', 'deploy-staging']]) });
    expect(data.roles.find((r) => r.role === 'deployer')?.class).toBe('implemented-deterministic');
    expect(data.deterministic_agents.map((a) => a.agent)).toEqual(['deploy-finalizer', 'post-deploy-monitor', 'staging-runner']);
  });

  it('uses the gate registry for the axis when it exists', () => {
    const { data } = buildInventory({ ...base, scan: scan([]), consumed: new Set(['review_status']), axisSource: 'qg-checks' });
    expect(data.roles.filter((r) => r.axis === 'C').map((r) => r.role)).toEqual(['reviewer']);
    expect(data.axis_source).toBe('qg-checks');
  });

  it('names a missing and a stale judgment', () => {
    const { tester: _t, ...rest } = JUDGMENTS;
    const { findings } = buildInventory({ ...base, scan: scan([]), judgments: { ...rest, summarizer: { deterministic_equivalent: false, justification: 'x' } } });
    expect(findings.map((f) => [f.ruleId, f.message])).toEqual([
      ['judgment-missing', 'orch:llm-inventory: entry "llm-tester": role tester is an LLM role but blocks.llm-inventory.judgments has no {deterministic_equivalent, justification} for it'],
      ['judgment-stale', 'orch:llm-inventory: blocks.llm-inventory.judgments names "summarizer", which is not an LLM role of the registry'],
    ]);
  });

  it('routes call-sites to roles and refuses a reserved or unknown role', () => {
    const call = (symbol: string, roleLiterals: string[], n = 0) => ({
      kind: 'transport-call' as const,
      file: 'src/x.ts',
      line: 5,
      column: 3,
      statementLine: 5,
      symbol,
      detail: 'spawnAgent',
      sdk: null,
      callee: 'spawnAgent',
      literals: [],
      roleLiterals,
      key: `src/x.ts#${symbol}:transport-call:${n}`,
    });
    const { data, findings } = buildInventory({ ...base, scan: scan([call('launchJob', []), call('secondOpinion', ['reviewer']), call('finalize', ['deploy-finalizer'])]) });
    expect(data.roles.find((r) => r.role === 'reviewer')?.sites).toEqual(['src/x.ts#launchJob:transport-call:0', 'src/x.ts#secondOpinion:transport-call:0']);
    expect(data.roles.find((r) => r.role === 'tester')?.sites).toEqual(['src/x.ts#launchJob:transport-call:0']);
    expect(findings.map((f) => f.message)).toEqual([
      'orch:llm-inventory: entry "src/x.ts#finalize:transport-call:0": role "deploy-finalizer" is a reserved deterministic agent; it never reaches the LLM transport',
    ]);
  });
});

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

  it("the log's $schema is the vendored final schema's id (OASIS 2.1.0 with errata, not a draft)", () => {
    const schema = JSON.parse(readFileSync(SARIF_SCHEMA_FILE, 'utf8')) as { id: string; title: string };
    expect(toSarif(report, '/work/repo', '0.1.0').$schema).toBe(schema.id);
    expect(schema.id).toBe('https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json');
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
