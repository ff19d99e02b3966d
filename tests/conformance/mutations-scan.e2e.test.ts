// Mutation tests of the acceptance list, scanner side, then `--write`: it repairs every docs-side drift, and a byte comparison shows the prose untouched.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { extractBlocks } from '../../src/conformance/markdown/blocks.ts';
import { driftJson, only, show, tempRepos } from './helpers.ts';

const { fresh, cleanup } = tempRepos();
afterEach(cleanup);

describe('orch drift catches each scanner mutation', () => {
  it('a new file that imports openai and calls it', async () => {
    const r = fresh();
    r.write('src/ai/summarize.ts', "import OpenAI from 'openai';\n\nconst client = new OpenAI();\n\nexport async function summarize(text: string) {\n  return client.responses.create({ model: 'gpt', input: text });\n}\n");
    const { code, diagnostics } = await driftJson(r.root);
    expect(code).toBe(1);
    expect(only(diagnostics, 'src/ai/summarize.ts', 'llm-sdk-import')).toMatchObject({
      line: 1,
      message: 'orch:llm-inventory: entry "src/ai/summarize.ts#<module>:sdk-import:0": imports the LLM SDK "openai" outside the single LLM transport (src/launcher/transport.ts#spawnAgent); go through the transport instead',
    });
    expect(only(diagnostics, 'src/ai/summarize.ts', 'llm-sdk-call')).toMatchObject({ line: 6, message: expect.stringContaining('entry "src/ai/summarize.ts#summarize:sdk-call:0"') });
  });

  it("an execa('claude', ...) outside the transport", async () => {
    const r = fresh();
    r.write('src/review/ask.ts', "import { execa } from 'execa';\n\nexport async function askClaude(prompt: string) {\n  return execa('claude', ['-p', prompt]);\n}\n");
    const { code, diagnostics } = await driftJson(r.root);
    expect(code).toBe(1);
    expect(only(diagnostics, 'src/review/ask.ts', 'agent-cli-spawn')).toMatchObject({
      line: 4,
      column: 10,
      message: 'orch:llm-inventory: entry "src/review/ask.ts#askClaude:agent-spawn:0": spawns the agent CLI "claude" outside the single LLM transport (src/launcher/transport.ts#spawnAgent); go through the transport instead',
    });
  });

  it('the transport called for a new role', async () => {
    // The real transport of this repo (src/launcher/transport.ts), called from a new place for a role no registry has.
    const r = fresh();
    expect(r.read('docs/architecture/llm-call-sites.md')).toContain('transport: src/launcher/transport.ts#spawnAgent');
    r.write('src/digest/summarize.ts', "import { spawnAgent } from '../launcher/transport.ts';\n\nexport async function summarizeDay(ctx: never) {\n  await spawnAgent(ctx, { role: 'summarizer' } as never);\n}\n");
    const { code, diagnostics } = await driftJson(r.root);
    expect(code).toBe(1);
    expect(only(diagnostics, 'src/digest/summarize.ts', 'transport-role').message).toBe(
      'orch:llm-inventory: entry "src/digest/summarize.ts#summarizeDay:transport-call:0": role "summarizer" is not a role of the registry; known LLM roles: analyst, architect, developer, reviewer, tester, deployer',
    );
    expect(only(diagnostics, 'docs/architecture/llm-call-sites.md', 'block-entry-missing').message).toContain(
      'orch:llm-inventory: entry "call_sites/src/digest/summarize.ts#summarizeDay:transport-call:0" is in code',
    );
  });

  it('a hand-edited doc block', async () => {
    const r = fresh();
    const doc = 'docs/architecture/llm-call-sites.md';
    const text = r.read(doc);
    const at = text.indexOf('class: keep-llm');
    r.write(doc, `${text.slice(0, at)}class: replace-deterministic-now${text.slice(at + 'class: keep-llm'.length)}`);
    const { code, diagnostics } = await driftJson(r.root);
    expect(code).toBe(1);
    expect(only(diagnostics, doc, 'block-entry-differs').message).toBe(
      'orch:llm-inventory: entry "roles/llm-reviewer" differs from code (the scan of src, scripts, bin): class: docs have "replace-deterministic-now", code has "keep-llm"',
    );
    expect(only(diagnostics, doc, 'inventory-class').message).toBe(
      'orch:llm-inventory: entry "roles/llm-reviewer": class replace-deterministic-now disagrees with axis C and deterministic_equivalent false (see docs/architecture/llm-usage-policy.md)',
    );
  });
});

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
  it('repairs every docs-side drift and leaves every byte of prose as it was', async () => {
    const repo = fresh();
    // A deleted block goes back where git HEAD had it: the copy is a repo with one commit.
    for (const args of [['init', '-q'], ['add', '-A'], ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'base']]) execFileSync('git', ['-C', repo.root, ...args]);
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
    // (The findings above are those of the check --write runs again after writing.)
    expect(written.written).toEqual(['.env.example', 'docs/agents/tester.md', 'docs/architecture/db-schema.md', 'docs/architecture/pipeline.md', 'docs/configuration.md']);

    for (const [file, old] of before) {
      const now = repo.read(file);
      if (file === 'docs/configuration.md') {
        // The deleted block is back where it was (before the note written after it), prose kept whole.
        const note = '(The block was deleted by hand.)\n';
        expect(now.startsWith(old.slice(0, -note.length).trimEnd())).toBe(true);
        expect(now.slice(old.slice(0, -note.length).trimEnd().length)).toMatch(/^\n\n```yaml orch:config\n- key: ORCH_HOME\n[\s\S]*```\n\n\(The block was deleted by hand\.\)\n$/);
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
