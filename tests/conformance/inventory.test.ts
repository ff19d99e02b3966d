import { describe, expect, it } from 'vitest';
import { classAgrees, classify, isAvoidable } from '../../src/conformance/inventory/classify.ts';
import { buildInventory } from '../../src/conformance/inventory/build.ts';
import { consumedKeys, rolesOfCall } from '../../src/conformance/inventory/roles.ts';
import type { ScanResult } from '../../src/conformance/scan/scan.ts';
import { ROLES } from '../../src/pipeline/stages.ts';
import { VERDICT_KEYS } from '../../src/pipeline/verdict-keys.ts';

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
