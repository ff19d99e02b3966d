// The CI drift guard: the docs of this repo agree with its code, and no LLM is reached outside
// the single transport. A failure lists each divergence; `npx orch drift` explains it and
// `npx orch drift --write` repairs the docs side.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../src/core/stages.ts';
import { runDrift, type DriftRun } from '../../src/conformance/drift.ts';
import { REPO_ROOT } from './helpers.ts';

describe('orch drift on this repo', () => {
  let run: DriftRun;
  beforeAll(async () => {
    run = await runDrift({ root: REPO_ROOT });
  });

  it('finds no divergence between docs/ and the code', () => {
    expect(run.report.diagnostics.map((d) => `${d.file}:${d.line} ${d.ruleId} ${d.message}`)).toEqual([]);
    expect(run.written).toEqual([]);
  });

  it('really scans files and checks every enabled block', () => {
    expect(run.report.stats.filesScanned).toBeGreaterThan(20);
    // Every block enabled in orch.conformance.json, the role cards counting one per LLM role.
    const enabled = Object.keys(JSON.parse(readFileSync(join(REPO_ROOT, 'orch.conformance.json'), 'utf8')).blocks);
    const llmRoles = ROLES.filter((r) => r.kind === 'llm').length;
    expect(run.report.stats.blocks).toBe(enabled.length - 1 + llmRoles);
  });
});
