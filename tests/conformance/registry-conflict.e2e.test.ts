// --write never writes half a truth: a verdict key renamed in one registry only is a conflict that
// names both sides, and nothing is written (no role card without verdict lines). And a raw
// process.env.ORCH_* read outside the config registry is a config finding.
import { afterEach, describe, expect, it } from 'vitest';
import { driftJson, show, tempRepos } from './helpers.ts';

const repos = tempRepos();
afterEach(() => repos.cleanup());

describe('registries in conflict', () => {
  it('refuse --write, name the conflict, and write nothing', async () => {
    const repo = repos.fresh();
    repo.edit('src/core/verdict-keys.ts', "review_status: Object.freeze({ key: 'review_status'", "review_verdict: Object.freeze({ key: 'review_verdict'");
    const card = repo.read('docs/agents/reviewer.md');
    const pipeline = repo.read('docs/architecture/pipeline.md');
    const run = await driftJson(repo.root, ['--write']);
    expect(run.code).toBe(1);
    expect(run.written).toEqual([]);
    const conflicts = run.diagnostics.filter((d) => d.ruleId === 'registry-conflict');
    expect(show(conflicts)).toEqual([
      'src/core/stages.ts:1 registry-conflict role reviewer names verdict key "review_status", which src/core/verdict-keys.ts (VERDICT_KEYS) does not have (it has: review_verdict, test_status, staging_status, deploy_status, monitor_status); the registries disagree: rename the key in both. --write writes nothing until they agree',
    ]);
    expect(repo.read('docs/agents/reviewer.md')).toBe(card);
    expect(repo.read('docs/architecture/pipeline.md')).toBe(pipeline);
  });
});

describe('raw ORCH_* reads', () => {
  it('are config findings outside the registry, never inside strings', async () => {
    const repo = repos.fresh();
    repo.write('src/feature/flags.ts', "export const home = process.env.ORCH_HOME ?? '.orch';\nconst { ORCH_LOG_LEVEL: level } = process.env;\nexport const note = 'process.env.ORCH_IN_A_STRING';\nexport const other = process.env.HOME;\nexport { level };\n");
    const run = await driftJson(repo.root);
    expect(show(run.diagnostics.filter((d) => d.ruleId === 'config-raw-env'))).toEqual([
      'src/feature/flags.ts:1 config-raw-env reads ORCH_HOME from process.env directly; ORCH_* settings are read through the config registry (src/config/keys.ts) and its loader, which validate them and give their defaults',
      'src/feature/flags.ts:2 config-raw-env reads ORCH_LOG_LEVEL from process.env directly; ORCH_* settings are read through the config registry (src/config/keys.ts) and its loader, which validate them and give their defaults',
    ]);
    expect(run.code).toBe(1);
  });
});

describe('a deleted block', () => {
  it('is not appended at the end when --write cannot tell where it belongs: it says so and writes nothing there', async () => {
    const repo = repos.fresh();
    const text = repo.read('docs/architecture/regression-markers.md');
    const fence = text.indexOf('```yaml orch:regression-markers');
    const end = text.indexOf('```\n', fence + 3) + 4;
    const without = text.slice(0, fence) + text.slice(end);
    repo.write('docs/architecture/regression-markers.md', without);
    const run = await driftJson(repo.root, ['--write']);
    expect(run.written).not.toContain('docs/architecture/regression-markers.md');
    expect(repo.read('docs/architecture/regression-markers.md')).toBe(without);
    const missing = run.diagnostics.find((d) => d.ruleId === 'block-missing');
    expect(missing?.message).toContain('orch:regression-markers is missing from docs/architecture/regression-markers.md, and --write cannot tell where it belongs');
    expect(missing?.message).toContain('\n```yaml orch:regression-markers\n');
  });
});
