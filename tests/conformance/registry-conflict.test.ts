// --write never writes half a truth: a verdict key renamed in one registry only is a conflict that
// names both sides, and nothing is written (no role card without verdict lines).
import { afterEach, describe, expect, it } from 'vitest';
import { driftJson, show, tempRepos } from './helpers.ts';

const repos = tempRepos();
afterEach(() => repos.cleanup());

describe('registries in conflict', () => {
  it('refuse --write, name the conflict, and write nothing', async () => {
    const repo = repos.fresh();
    repo.edit('src/pipeline/verdict-keys.ts', "review_status: Object.freeze({ key: 'review_status'", "review_verdict: Object.freeze({ key: 'review_verdict'");
    const card = repo.read('docs/agents/reviewer.md');
    const pipeline = repo.read('docs/architecture/pipeline.md');
    const run = await driftJson(repo.root, ['--write']);
    expect(run.code).toBe(1);
    expect(run.written).toEqual([]);
    const conflicts = run.diagnostics.filter((d) => d.ruleId === 'registry-conflict');
    expect(show(conflicts)).toEqual([
      'src/pipeline/stages.ts:1 registry-conflict role reviewer names verdict key "review_status", which src/pipeline/verdict-keys.ts (VERDICT_KEYS) does not have (it has: review_verdict, test_status, staging_status, deploy_status, monitor_status); the registries disagree: rename the key in both. --write writes nothing until they agree',
    ]);
    expect(repo.read('docs/agents/reviewer.md')).toBe(card);
    expect(repo.read('docs/architecture/pipeline.md')).toBe(pipeline);
  });
});
