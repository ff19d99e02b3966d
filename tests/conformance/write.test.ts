// `--write` repairs every docs-side drift, and a byte comparison shows the prose untouched.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractBlocks } from '../../src/conformance/markdown/blocks.ts';
import { driftJson, show, tempRepo } from './helpers.ts';

/** Everything of a doc except its block bodies, in order: the prose and the fences. */
function prose(text: string): string[] {
  const blocks = extractBlocks(text, 'doc.md');
  const parts: string[] = [];
  let cursor = 0;
  for (const b of blocks) {
    parts.push(text.slice(cursor, b.bodyStart));
    cursor = b.bodyEnd;
  }
  parts.push(text.slice(cursor));
  return parts;
}

function docs(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.md')) out.push(relative(root, join(dir, e.name)));
    }
  };
  walk(join(root, 'docs'));
  return out.sort();
}

describe('orch drift --write', () => {
  const repo = tempRepo();
  afterAll(() => repo.remove());

  it('repairs every docs-side drift and leaves every byte of prose as it was', async () => {
    // Docs-side drift of every kind: hand edits, a stale entry, a reformatted block, a wrong
    // language, a deleted block, a broken .env.example.
    const pipeline = repo.read('docs/architecture/pipeline.md');
    repo.write('docs/architecture/pipeline.md', pipeline.replace('- {from: review, to: testing, kind: forward}\n', '- {from: review, to: testing, kind: rollback}\n- {from: done, to: analysis, kind: forward}\n').replace('```yaml orch:verdict-keys', '```yml orch:verdict-keys'));
    const schema = repo.read('docs/architecture/db-schema.md');
    repo.write('docs/architecture/db-schema.md', schema.replace('  title text not null,\n', '  title   TEXT NOT NULL,\n'));
    const config = repo.read('docs/configuration.md');
    const fence = config.indexOf('```yaml orch:config');
    repo.write('docs/configuration.md', `${config.slice(0, fence)}(The block was deleted by hand.)\n`);
    repo.edit('docs/agents/tester.md', 'passing_line: "test_status: PASSED"', 'passing_line: "test_status: FAILED"');
    repo.edit('.env.example', 'ORCH_HOME=.orch', 'ORCH_HOME=/srv/orch\nORCH_UNKNOWN=1');
    const before = new Map(docs(repo.root).map((f) => [f, repo.read(f)]));

    const drifted = await driftJson(repo.root);
    expect(drifted.code).toBe(1);
    expect(new Set(drifted.diagnostics.map((d) => d.file))).toEqual(
      new Set(['docs/architecture/pipeline.md', 'docs/architecture/db-schema.md', 'docs/configuration.md', 'docs/agents/tester.md', '.env.example']),
    );

    const written = await driftJson(repo.root, ['--write']);
    expect(show(written.diagnostics)).toEqual([]);
    expect(written.code).toBe(0);
    expect(written.written).toEqual(['.env.example', 'docs/agents/tester.md', 'docs/architecture/db-schema.md', 'docs/architecture/pipeline.md', 'docs/configuration.md']);
    expect((await driftJson(repo.root)).code).toBe(0);

    for (const [file, old] of before) {
      const now = repo.read(file);
      if (file === 'docs/configuration.md') {
        // The deleted block is appended after the prose, which is kept whole.
        expect(now.startsWith(old)).toBe(true);
        expect(now.slice(old.length)).toMatch(/^\n```yaml orch:config\n- key: ORCH_HOME\n/);
      } else if (file === 'docs/architecture/pipeline.md') {
        // Only the wrong language in the opening fence changed outside the bodies.
        expect(prose(now)).toEqual(prose(old).map((p) => p.replace('```yml orch:verdict-keys', '```yaml orch:verdict-keys')));
      } else {
        expect(prose(now), file).toEqual(prose(old));
      }
    }
    expect(repo.read('.env.example')).not.toContain('ORCH_UNKNOWN');
  });
});
