import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadHarnessConfig, resolveHarnessConfig } from '../../src/conformance/config/load.ts';
import { scanRepo, type ScanResult } from '../../src/conformance/scan/scan.ts';
import { REPO_ROOT, tempRepo } from './helpers.ts';

const CASES = join(REPO_ROOT, 'fixtures/repos/scan-cases');
const result: ScanResult = scanRepo(loadHarnessConfig(CASES));
const inFile = (file: string) => result.findings.filter((f) => f.file === `src/${file}`).map((f) => `${f.line} ${f.kind} ${f.key.slice(f.key.indexOf('#') + 1)} ${f.detail}`);

describe('the LLM call-site scanner on fixtures/repos/scan-cases', () => {
  it('finds the transport by its JSDoc tag and scans every file but the ignored one', () => {
    expect(result.transport).toEqual({ file: 'src/transport/agent.ts', name: 'spawnAgent', line: 8 });
    expect(result.filesScanned).toBe(11);
    expect(result.filesParsed).toBe(10);
    expect(result.findings.some((f) => f.file.startsWith('src/ignored/'))).toBe(false);
  });

  it('reports SDK imports of every form, but not type-only or side-effect imports, or look-alike packages', () => {
    expect(inFile('imports.ts')).toEqual([
      '2 sdk-import <module>:sdk-import:0 openai',
      '3 sdk-import <module>:sdk-import:1 @anthropic-ai/sdk',
      '4 sdk-import <module>:sdk-import:2 ai',
      '7 sdk-import <module>:sdk-import:3 groq-sdk',
      '11 sdk-import <module>:sdk-import:4 @mistralai/mistralai',
      '14 sdk-import load:sdk-import:0 @google/genai',
    ]);
  });

  it('reports the calls that send (client methods, this.sdk, generateText), not making a client or a provider model', () => {
    expect(inFile('instances.ts')).toEqual([
      '2 sdk-import <module>:sdk-import:0 openai',
      '3 sdk-import <module>:sdk-import:1 @ai-sdk/openai',
      '8 sdk-call direct:sdk-call:0 openai',
      '12 sdk-call inline:sdk-call:0 openai',
      '18 sdk-call Assistant.ask:sdk-call:0 openai',
      '24 sdk-import <module>:sdk-import:2 ai',
      '25 sdk-call answer:sdk-call:0 ai',
    ]);
  });

  it('reports agent CLI spawns through child_process, execa and cross-spawn; known programs pass', () => {
    expect(inFile('spawns.ts')).toEqual([
      '11 agent-spawn agents:agent-spawn:0 claude',
      '12 agent-spawn agents:agent-spawn:1 codex',
      '13 agent-spawn agents:agent-spawn:2 aider',
      '14 agent-spawn agents:agent-spawn:3 claude',
      '15 agent-spawn agents:agent-spawn:4 gemini',
      '16 agent-spawn agents:agent-spawn:5 opencode',
      '17 agent-spawn agents:agent-spawn:6 goose',
      '18 agent-spawn agents:agent-spawn:7 qwen',
      '19 agent-spawn agents:agent-spawn:8 cursor-agent',
      '30 unresolved-spawn unresolved:unresolved-spawn:0 spawn(cmd, [])',
      '31 unresolved-spawn unresolved:unresolved-spawn:1 execaCommand(`${cmd} --flag`)',
    ]);
  });

  it('reports fetches of LLM hosts, and fetches whose host is not a literal', () => {
    expect(inFile('fetches.ts')).toEqual([
      '7 llm-fetch calls:llm-fetch:0 api.openai.com',
      '8 llm-fetch calls:llm-fetch:1 generativelanguage.googleapis.com',
      '9 llm-fetch calls:llm-fetch:2 api.anthropic.com',
      '10 llm-fetch calls:llm-fetch:3 my-resource.openai.azure.com',
      '11 llm-fetch calls:llm-fetch:4 localhost:11434',
      '14 unresolved-fetch calls:unresolved-fetch:0 fetch(url)',
      '15 unresolved-fetch calls:unresolved-fetch:1 fetch(`https://${path}/v1`)',
    ]);
  });

  it('never matches comments, strings, templates or regexes', () => {
    expect(inFile('comments-and-strings.ts')).toEqual([]);
  });

  it('finds transport call-sites through aliases, barrels, namespaces and import(), with their roles', () => {
    const calls = result.findings.filter((f) => f.kind === 'transport-call').map((f) => [f.key, f.detail, f.roleLiterals, f.literals]);
    expect(calls).toEqual([
      ['src/calls/aliases.ts#Reviews.second:transport-call:0', 'review', ['reviewer'], ['x']],
      ['src/calls/aliases.ts#viaBarrel:transport-call:0', 'barrel.spawnAgent', ['tester'], ['x']],
      ['src/calls/aliases.ts#viaBarrel:transport-call:1', 'transport.spawnAgent', ['deployer'], ['x']],
      ['src/calls/aliases.ts#viaBarrel:transport-call:2', 'go', ['summarizer'], ['x']],
      ['src/calls/aliases.ts#byStage:transport-call:0', 'spawnAgent', [], ['review', 'x']],
      ['src/calls/launch.ts#launchJob:transport-call:0', 'spawnAgent', [], ['agent']],
      ['src/transport/agent.ts#helper:transport-call:0', 'spawnAgent', ['developer'], ['x']],
    ]);
  });

  it('exempts everything inside the transport body', () => {
    expect(result.findings.filter((f) => f.file === 'src/transport/agent.ts').map((f) => f.kind)).toEqual(['transport-call']);
  });

  it('applies waivers with a reason to unresolved calls only, and reports bad or unused waivers', () => {
    expect(result.findings.filter((f) => f.file === 'src/waivers.ts').map((f) => [f.line, f.kind, f.waiver ?? null])).toEqual([
      [7, 'unresolved-spawn', 'runs the configured test suite, never an agent CLI'],
      [8, 'unresolved-fetch', 'the health endpoint configured by the operator'],
      [10, 'unresolved-spawn', 'the pager command of the operator'],
      [18, 'unresolved-spawn', null],
      [20, 'agent-spawn', null],
    ]);
    expect(result.problems.map((p) => [p.file, p.line, p.ruleId])).toEqual([
      ['src/waivers.ts', 17, 'waiver-without-reason'],
      ['src/waivers.ts', 19, 'waiver-unused'],
      ['src/waivers.ts', 21, 'waiver-unused'],
    ]);
  });

  it('keeps entry keys when unrelated lines are added above', () => {
    const repo = tempRepo(CASES, ['src', 'orch.conformance.json']);
    try {
      const before = scanRepo(loadHarnessConfig(repo.root)).findings.map((f) => f.key);
      repo.edit('src/spawns.ts', "const AGENT = 'claude';", "const AGENT = 'claude';\n\n// padding\nexport const unrelated = 1;\n");
      repo.edit('src/imports.ts', "import 'langchain';", "import 'langchain';\n\n\n");
      const after = scanRepo(loadHarnessConfig(repo.root));
      expect(after.findings.map((f) => f.key)).toEqual(before);
      expect(after.findings.find((f) => f.key === 'src/spawns.ts#agents:agent-spawn:0')?.line).toBe(15);
    } finally {
      repo.remove();
    }
  });

  it('finds the same with the prefilter off: the prefilter only saves time', () => {
    const all = scanRepo(loadHarnessConfig(CASES), { prefilter: false });
    expect(all.findings).toEqual(result.findings);
    expect(all.problems).toEqual(result.problems);
    expect(all.filesParsed).toBeGreaterThan(result.filesParsed);
  });

  it('reports a second transport and a scan of zero files', () => {
    const repo = tempRepo(CASES, ['src', 'orch.conformance.json']);
    try {
      repo.write('src/other.ts', '/** @llmTransport */\nexport function askAgain() {}\n');
      expect(scanRepo(loadHarnessConfig(repo.root)).problems.filter((p) => p.ruleId === 'transport-multiple').map((p) => p.message)).toEqual([
        'spawnAgent is marked as the LLM transport, but src/other.ts#askAgain already is: there is one transport',
      ]);
      const none = scanRepo(resolveHarnessConfig(repo.root, { sources: ['lib'] }));
      expect(none.filesScanned).toBe(0);
      expect(none.problems.map((p) => p.ruleId)).toEqual(['no-files-scanned']);
    } finally {
      repo.remove();
    }
  });
});
