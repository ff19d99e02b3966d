// `orch drift` as a command: exit codes, output formats, and --root on another project.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, driftJson, orch, sarifValidator, tempRepo } from './helpers.ts';

const OTHER = join(REPO_ROOT, 'fixtures/repos/other-ts-app');

describe('orch drift (CLI)', () => {
  it('exits 0 and says clean on this repo', async () => {
    const { code, out } = await orch(['drift', '--root', REPO_ROOT]);
    expect(code).toBe(0);
    expect(out).toMatch(/^orch drift: clean \(\d+ blocks, \d+ docs, \d+ source files scanned \(\d+ parsed(, \d+ from the cache)?\)\)\n$/);
  });

  it('exits 2 on usage errors, naming what was wrong', async () => {
    const both = await orch(['drift', '--json', '--sarif', '--root', REPO_ROOT]);
    expect(both.code).toBe(2);
    expect(both.err).toBe('orch: --json and --sarif cannot be used together: choose one output format\n');
    const missing = await orch(['drift', '--root', join(REPO_ROOT, 'no-such-dir')]);
    expect([missing.code, missing.err]).toEqual([2, `orch: --root ${join(REPO_ROOT, 'no-such-dir')}: not a directory\n`]);
    const noConfig = await orch(['drift', '--root', join(REPO_ROOT, 'fixtures')]);
    expect(noConfig.code).toBe(2);
    expect(noConfig.err).toContain('orch.conformance.json not found');
    expect((await orch(['drift', '--bogus'])).code).toBe(2);
  });

  describe('on a drifted copy', () => {
    const repo = tempRepo();
    afterAll(() => repo.remove());
    repo.edit('docs/architecture/pipeline.md', '- {from: review, to: testing, kind: forward}\n', '');

    it('prints each finding and the exact block to paste, and exits 1', async () => {
      const { code, out } = await orch(['drift', '--root', repo.root]);
      expect(code).toBe(1);
      const doc = repo.read('docs/architecture/pipeline.md');
      const fenceLine = doc.slice(0, doc.indexOf('```yaml orch:stage-transitions')).split('\n').length;
      expect(out).toContain(`docs/architecture/pipeline.md:${fenceLine}:1  block-entry-missing  orch:stage-transitions: entry "review->testing" is in code`);
      expect(out).toContain('Canonical orch:stage-transitions for docs/architecture/pipeline.md (paste it, or run orch drift --write):\n```yaml orch:stage-transitions\n- {from: analysis, to: architecture, kind: forward}\n');
      expect(out).toMatch(/orch drift: 1 finding \(/);
    });

    it('prints SARIF 2.1.0 that validates against the schema', async () => {
      const { code, out } = await orch(['drift', '--sarif', '--root', repo.root]);
      expect(code).toBe(1);
      const log = JSON.parse(out);
      const result = sarifValidator()(log);
      expect(result.ok, result.errors).toBe(true);
      expect(log.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toEqual(['block-entry-missing']);
    });
  });

  describe('--root fixtures/repos/other-ts-app', () => {
    it("finds that project's call-sites with its own config (transport by name, docs folder, roles)", async () => {
      const { code, diagnostics } = await driftJson(OTHER);
      expect(diagnostics).toEqual([]);
      expect(code).toBe(0);
      const doc = readFileSync(join(OTHER, 'documentation/ai-usage.md'), 'utf8');
      expect(doc).toContain('transport: src/llm/client.ts#complete\n');
      for (const site of ['src/features/review.ts#Review.grade:transport-call:0', 'src/features/review.ts#Review.lint:transport-call:0', 'src/features/summarize.ts#summarize:transport-call:0']) {
        expect(doc).toContain(`  - id: ${site}\n`);
      }
    });

    it('fails there when a feature calls the SDK directly', async () => {
      const copy = tempRepo(OTHER, ['src', 'documentation', 'orch.conformance.json', 'package.json']);
      try {
        copy.write('src/features/shortcut.ts', "import OpenAI from 'openai';\nexport const quick = () => new OpenAI().chat.completions.create({ model: 'm', messages: [] });\n");
        const { code, diagnostics } = await driftJson(copy.root);
        expect(code).toBe(1);
        expect(diagnostics.map((d) => [d.file, d.line, d.ruleId])).toEqual([
          ['src/features/shortcut.ts', 1, 'llm-sdk-import'],
          ['src/features/shortcut.ts', 2, 'llm-sdk-call'],
        ]);
        expect(diagnostics[0]?.message).toContain('outside the single LLM transport (src/llm/client.ts#complete)');
      } finally {
        copy.remove();
      }
    });
  });
});
