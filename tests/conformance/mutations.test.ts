// Mutation tests of the acceptance list: each changes one thing in a temp copy of this repo and
// expects `orch drift` to exit 1 with a message naming the file, the block and the entry. Then
// `--write` repairs every docs-side drift, and a byte comparison shows the prose untouched.
// (One file: every run here pays for loading the harness once.)
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { extractBlocks } from '../../src/conformance/markdown/blocks.ts';
import { driftJson, show, tempRepo, type JsonFinding, type TempRepo } from './helpers.ts';

const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.remove();
});

/** A temp copy of this repo, or of another temp copy (`from`). */
function fresh(from?: TempRepo): TempRepo {
  const r = from ? tempRepo(from.root) : tempRepo();
  repos.push(r);
  return r;
}

/**
 * A copy of `base` after `--write` made it clean. The harness imports the repo's registries, and
 * a module once imported stays cached for this process: mutating a fresh copy (new paths) makes
 * sure the second run sees the mutated code.
 */
async function cleanCopy(base: TempRepo): Promise<TempRepo> {
  expect((await driftJson(base.root, ['--write'])).code).toBe(0);
  return fresh(base);
}

/** The single finding with this rule in this file; fails listing all findings otherwise. */
function only(ds: readonly JsonFinding[], file: string, ruleId: string): JsonFinding {
  const hits = ds.filter((d) => d.file === file && d.ruleId === ruleId);
  expect(hits, show(ds).join('\n')).toHaveLength(1);
  return hits[0] as JsonFinding;
}

function enable(r: TempRepo, model: Record<string, string>, blocks: Record<string, object>): void {
  const config = JSON.parse(r.read('orch.conformance.json'));
  Object.assign(config.model, model);
  Object.assign(config.blocks, blocks);
  r.write('orch.conformance.json', `${JSON.stringify(config, null, 2)}\n`);
}

const TRANSPORT = `import { execa } from 'execa';
/** Runs the agent of a job: the single LLM transport. @llmTransport */
export async function spawnAgent(job: { role: string }, command: string): Promise<void> {
  await execa(command, [job.role]);
}
`;
const LAUNCH = `import { spawnAgent } from './spawn-agent.ts';
export async function launchJob(job: { role: string }): Promise<void> {
  await spawnAgent(job, 'agent');
}
`;

describe('orch drift catches each mutation', () => {
  it('an edge added to STAGE_TRANSITIONS', async () => {
    const r = fresh();
    r.edit('src/pipeline/transitions.ts', "['review', 'testing', 'deploy-staging', 'post-deploy']", "['review', 'testing', 'deploy-staging', 'deploy', 'post-deploy']");
    const { code, diagnostics } = await driftJson(r.root);
    expect(code).toBe(1);
    expect(only(diagnostics, 'docs/architecture/pipeline.md', 'block-entry-missing').message).toBe(
      'orch:stage-transitions: entry "deploy->development" is in code (src/pipeline/transitions.ts) but not in the block; code has {"from":"deploy","kind":"rollback","to":"development"}',
    );
  });

  it('a renamed verdict value', async () => {
    const r = fresh();
    r.edit('src/pipeline/verdict-keys.ts', "'CHANGES_REQUESTED'", "'CHANGES_NEEDED'");
    const { code, diagnostics } = await driftJson(r.root);
    expect(code).toBe(1);
    expect(only(diagnostics, 'docs/architecture/pipeline.md', 'block-entry-differs').message).toBe(
      'orch:verdict-keys: entry "review_status" differs from code (src/pipeline/verdict-keys.ts): values: docs have ["APPROVED","CHANGES_REQUESTED"], code has ["APPROVED","CHANGES_NEEDED"]',
    );
    // The reviewer's role card (its prompt) must change too.
    expect(only(diagnostics, 'docs/agents/reviewer.md', 'block-entry-stale').message).toContain('orch:role/reviewer: entry "verdict_lines/review_status: CHANGES_REQUESTED"');
  });

  it('a QG check added to QG_CHECKS (block enabled on a registry like issue 2\'s)', async () => {
    const base = fresh();
    base.write('src/pipeline/gates.ts', "export const QG_CHECKS = Object.freeze({\n  'review->testing': ['check_review_status'],\n  'testing->deploy-staging': ['check_test_status'],\n});\n");
    enable(base, { qgChecks: 'src/pipeline/gates.ts#QG_CHECKS' }, { 'qg-checks': {} });
    const r = await cleanCopy(base);
    expect(r.read('docs/architecture/pipeline.md')).toContain('```yaml orch:qg-checks\n- {transition: review->testing, checks: [check_review_status]}\n');
    expect(r.read('docs/architecture/llm-call-sites.md')).toContain('axis_source: qg-checks');
    r.edit('src/pipeline/gates.ts', "['check_test_status']", "['check_test_status', 'check_coverage']");
    const { code, diagnostics } = await driftJson(r.root);
    expect(code).toBe(1);
    expect(only(diagnostics, 'docs/architecture/pipeline.md', 'block-entry-differs').message).toBe(
      'orch:qg-checks: entry "testing->deploy-staging" differs from code (src/pipeline/gates.ts): checks: docs have ["check_test_status"], code has ["check_test_status","check_coverage"]',
    );
  });

  it('a column added in a migration', async () => {
    const r = fresh();
    r.write('src/store/migrations/002_priority.ts', "import type { Kysely } from 'kysely';\nexport async function up(db: Kysely<unknown>): Promise<void> {\n  await db.schema.alterTable('tasks').addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0)).execute();\n}\n");
    r.edit('src/store/migrate.ts', "import * as m001 from './migrations/001_initial.ts';", "import * as m001 from './migrations/001_initial.ts';\nimport * as m002 from './migrations/002_priority.ts';");
    r.edit('src/store/migrate.ts', "'001_initial': m001,", "'001_initial': m001,\n  '002_priority': m002,");
    const { code, diagnostics } = await driftJson(r.root);
    expect(code).toBe(1);
    expect(only(diagnostics, 'docs/architecture/db-schema.md', 'block-entry-missing').message).toBe(
      'orch:db-schema: entry "column tasks.priority" is in code (src/store/migrate.ts) but not in the block; code has "priority integer default 0 not null"',
    );
    expect(only(diagnostics, 'docs/architecture/db-schema.md', 'block-entry-differs').message).toContain('orch:db-schema: entry "table tasks" differs');
  });

  it('a config key added without docs', async () => {
    const r = fresh();
    r.write('src/config/sections/extra.ts', "import { seconds } from '../define.ts';\nexport const extraKeys = {\n  ORCH_EXTRA_TIMEOUT_S: seconds({ default: '30', doc: 'How long the extra step may take.' }),\n} as const;\n");
    r.edit('src/config/keys.ts', "import { coreKeys } from './sections/core.ts';", "import { coreKeys } from './sections/core.ts';\nimport { extraKeys } from './sections/extra.ts';");
    r.edit('src/config/keys.ts', '  ...coreKeys,', '  ...coreKeys,\n  ...extraKeys,');
    const { code, diagnostics } = await driftJson(r.root);
    expect(code).toBe(1);
    expect(only(diagnostics, 'docs/configuration.md', 'block-entry-missing').message).toContain('orch:config: entry "ORCH_EXTRA_TIMEOUT_S" is in code (src/config/keys.ts) but not in the block');
    expect(only(diagnostics, '.env.example', 'env-example').message).toBe('ORCH_EXTRA_TIMEOUT_S is missing; add:\n# How long the extra step may take.\nORCH_EXTRA_TIMEOUT_S=30');
  });

  it('a deleted regression-marker symbol (block enabled on a registry like issue 6\'s)', async () => {
    const base = fresh();
    base.write('src/pipeline/markers.ts', "export const MAIN_REGRESSION_MARKERS = [\n  { ticket: 'ORCH-110', symbol: 'requireTransition', file: 'src/pipeline/transitions.ts' },\n];\n");
    enable(base, { regressionMarkers: 'src/pipeline/markers.ts#MAIN_REGRESSION_MARKERS' }, { 'regression-markers': {} });
    const r = await cleanCopy(base);
    r.edit('src/pipeline/transitions.ts', 'export function requireTransition(', 'export function requireEdge(');
    const { code, diagnostics } = await driftJson(r.root);
    expect(code).toBe(1);
    expect(only(diagnostics, 'src/pipeline/markers.ts', 'marker-unresolved').message).toBe(
      'orch:regression-markers: entry "ORCH-110#requireTransition": src/pipeline/transitions.ts does not declare requireTransition; the fix of ORCH-110 depends on it',
    );
  });

  it('a new file that imports openai and calls it', async () => {
    const r = fresh();
    r.write('src/ai/summarize.ts', "import OpenAI from 'openai';\n\nconst client = new OpenAI();\n\nexport async function summarize(text: string) {\n  return client.responses.create({ model: 'gpt', input: text });\n}\n");
    const { code, diagnostics } = await driftJson(r.root);
    expect(code).toBe(1);
    expect(only(diagnostics, 'src/ai/summarize.ts', 'llm-sdk-import')).toMatchObject({
      line: 1,
      message: 'orch:llm-inventory: entry "src/ai/summarize.ts#<module>:sdk-import:0": imports the LLM SDK "openai" outside the single LLM transport; go through the transport instead',
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
      message: 'orch:llm-inventory: entry "src/review/ask.ts#askClaude:agent-spawn:0": spawns the agent CLI "claude" outside the single LLM transport; go through the transport instead',
    });
  });

  it('the transport called for a new role', async () => {
    const base = fresh();
    base.write('src/launcher/spawn-agent.ts', TRANSPORT);
    base.write('src/launcher/launch-job.ts', LAUNCH);
    const r = await cleanCopy(base);
    expect(r.read('docs/architecture/llm-call-sites.md')).toContain('transport: src/launcher/spawn-agent.ts#spawnAgent');
    r.write('src/digest/summarize.ts', "import { spawnAgent } from '../launcher/spawn-agent.ts';\n\nexport async function summarizeDay() {\n  await spawnAgent({ role: 'summarizer' }, 'agent');\n}\n");
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
