// The remark plugin through remark-cli itself, as a docs reviewer runs it (`npx remark docs
// --frail`, wired by .remarkrc.json): a planted block edit is a warning at the block's line that
// fails the run, a clean doc has none, and `--output` writes the repair `orch drift --write` makes.
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempRepo } from './helpers.ts';

const PARTS = ['src', 'scripts', 'bin', 'docs', '.env.example', 'package.json', 'orch.conformance.json', '.remarkrc.json'];

describe('remark-cli with the orch drift plugin', () => {
  const repo = tempRepo(REPO_ROOT, PARTS);
  afterAll(() => repo.remove());

  it('fails --frail with file:line on a planted block edit, and --output repairs it byte for byte', async () => {
    const doc = 'docs/architecture/pipeline.md';
    const original = repo.read(doc);
    const config = repo.read('docs/configuration.md');
    repo.edit(doc, '- {from: review, to: testing, kind: forward}\n', '- {from: review, to: deploy, kind: forward}\n');
    const line = original.slice(0, original.indexOf('- {from: review, to: testing, kind: forward}')).split('\n').length;
    const r = await execa(process.execPath, [join(REPO_ROOT, 'node_modules/remark-cli/cli.js'), doc, 'docs/configuration.md', '--frail', '--no-color', '--output'], { cwd: repo.root, reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`${doc}:${line}: orch:stage-transitions: entry "review->deploy"`);
    expect(r.stderr).toMatch(new RegExp(`${line}:1\\s+warning\\s+.*block-entry-stale\\s+orch-drift`));
    expect(r.stderr).not.toMatch(/configuration\.md:\d+:/);
    // --output: the repaired doc is what orch drift --write writes, prose untouched.
    expect(repo.read(doc)).toBe(original);
    expect(repo.read('docs/configuration.md')).toBe(config);
  });
});
