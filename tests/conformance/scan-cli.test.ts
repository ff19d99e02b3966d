// `orch scan` as a command: output formats, baselines, exit codes, on repos with no orch config.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, orch, sarifValidator, tempRepo, type TempRepo } from './helpers.ts';

const CORPUS = join(REPO_ROOT, 'fixtures/llm-corpus');
const CORPUS_PARTS = ['src', 'generated', '.gitignore', 'tsconfig.json', 'package.json'];
const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.remove();
});
const copy = () => {
  const r = tempRepo(CORPUS, CORPUS_PARTS);
  repos.push(r);
  return r;
};

describe('orch scan', () => {
  it('prints one JSON object and exits 1 on findings', async () => {
    const { code, out } = await orch(['scan', CORPUS, '--json']);
    expect(code).toBe(1);
    const json = JSON.parse(out);
    expect(Object.keys(json)).toEqual(['findings', 'files', 'parsed', 'ms', 'problems', 'cache']);
    expect(json.cache).toMatchObject({ hits: expect.any(Number), misses: expect.any(Number), note: null });
    expect(json.files).toBe(28);
    expect(json.findings[0]).toEqual({ file: 'src/agents/rag.ts', line: 2, column: 1, kind: 'sdk-import', sdk: 'llamaindex', callee: 'llamaindex', id: 'src/agents/rag.ts#<module>:sdk-import:0' });
    expect(new Set(json.findings.map((f: { kind: string }) => f.kind))).toEqual(new Set(['sdk-import', 'sdk-call', 'llm-fetch', 'agent-spawn', 'unresolved-fetch']));
  });

  it('exits 0 on a repo without LLM call-sites', async () => {
    const { code, out } = await orch(['scan', join(REPO_ROOT, 'fixtures/repos/sample')]);
    expect(code).toBe(0);
    expect(out).toMatch(/^orch scan: 0 findings \(2 files, \d+ parsed, \d+ from the cache, \d+ ms\)\n$/);
  });

  it('adopts a baseline: 0 on known findings, 1 naming only the new one', async () => {
    const r = copy();
    const file = join(r.root, 'orch-scan-baseline.json');
    const wrote = await orch(['scan', r.root, '--write-baseline', file]);
    expect([wrote.code, wrote.err]).toEqual([0, `orch scan: wrote ${file} (100 findings)\n`]);
    const known = await orch(['scan', r.root, '--baseline', file]);
    expect(known.code).toBe(0);
    expect(known.out).toContain('src/agents/rag.ts:2:1  sdk-import (llamaindex: llamaindex)  [baseline]');
    expect(known.out).toMatch(/orch scan: 100 findings, 0 not in the baseline/);
    // Lines added above a known finding keep its id; a new call is new.
    r.edit('src/services/providers.ts', "const mistral = new Mistral", "// a comment\n\nconst mistral = new Mistral");
    r.write('src/app/api/new/route.ts', "import OpenAI from 'openai';\nexport const GET = () => new OpenAI().responses.create({ model: 'gpt-4o', input: 'x' });\n");
    const again = await orch(['scan', r.root, '--baseline', file]);
    expect(again.code).toBe(1);
    const fresh = again.out.split('\n').filter((l) => l.startsWith('src/') && !l.endsWith('[baseline]'));
    expect(fresh).toEqual(['src/app/api/new/route.ts:1:1  sdk-import (openai: openai)', 'src/app/api/new/route.ts:2:26  sdk-call (openai: new OpenAI().responses.create)']);
    const sarif = JSON.parse((await orch(['scan', r.root, '--sarif', '--baseline', file])).out);
    expect(sarif.runs[0].results.filter((x: { baselineState: string }) => x.baselineState === 'new')).toHaveLength(2);
  });

  it('prints SARIF 2.1.0 that validates against the schema', async () => {
    const { code, out } = await orch(['scan', CORPUS, '--sarif']);
    expect(code).toBe(1);
    const log = JSON.parse(out);
    const valid = sarifValidator()(log);
    expect(valid.ok, valid.errors).toBe(true);
    expect(log.runs[0].tool.driver.name).toBe('orch scan');
    expect(log.runs[0].results[0]).toMatchObject({ ruleId: 'sdk-import', partialFingerprints: { orchScanId: 'src/agents/rag.ts#<module>:sdk-import:0' } });
  });

  it('exits 2 on bad input, naming what was wrong', async () => {
    const missing = await orch(['scan', join(REPO_ROOT, 'no-such-dir')]);
    expect([missing.code, missing.err]).toEqual([2, `orch: ${join(REPO_ROOT, 'no-such-dir')}: not a directory (orch scan takes the folder of a JS/TS repo)\n`]);
    const both = await orch(['scan', CORPUS, '--json', '--sarif']);
    expect([both.code, both.err]).toEqual([2, 'orch: --json and --sarif cannot be used together: choose one output format\n']);
    const r = copy();
    r.write('bad.json', '{"version": 2, "findings": []}');
    const bad = await orch(['scan', r.root, '--baseline', join(r.root, 'bad.json')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('bad.json: version: ');
    const none = await orch(['scan', r.root, '--baseline', join(r.root, 'none.json')]);
    expect([none.code, none.err]).toEqual([2, `orch: --baseline ${join(r.root, 'none.json')}: no such file (write one with orch scan --write-baseline ${join(r.root, 'none.json')})\n`]);
  });

  it('is what orch drift --root reports on a foreign repo whose config enables no block', async () => {
    const r = copy();
    r.write('orch.conformance.json', '{"sources": ["."]}\n');
    const { code, out } = await orch(['drift', '--root', r.root]);
    expect(code).toBe(1);
    expect(out).toContain('src/services/providers.ts:13:23  llm-sdk-call  sdk-call (@mistralai/mistralai: mistral.chat.complete): an LLM call-site; enable blocks.llm-inventory');
    expect(out).toMatch(/orch drift: 98 findings \(0 blocks, 0 docs, 28 source files scanned/);
  });
});
