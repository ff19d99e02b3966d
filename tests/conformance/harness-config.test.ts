import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LLM_SDKS } from '../../src/conformance/config/defaults.ts';
import { loadHarnessConfig, resolveHarnessConfig } from '../../src/conformance/config/load.ts';
import { ConfigError, ERROR_CODES, InvalidInputError } from '../../src/errors.ts';

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
    expect(bad.message).toBe('orch.conformance.json: model.roles="src/stages.ts" is invalid: a module reference "path/to/file.ts#exportName"');
  });

  it('refuses an unknown key, an unknown block, and a block whose registry is not named', () => {
    expect(errorOf(() => resolveHarnessConfig('/repo', { doc: 'docs' })).message).toMatch(/^orch\.conformance\.json=.*is invalid: Unrecognized key: "doc"$/);
    expect(errorOf(() => resolveHarnessConfig('/repo', { blocks: { nope: {} } })).message).toBe(
      'orch.conformance.json: blocks.nope={} is invalid: a block name: one of stage-transitions, verdict-keys, config, db-schema, llm-inventory, role-cards, qg-checks, reserved-agents, regression-markers',
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
