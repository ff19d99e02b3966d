// The compiled CLI's cut of the TypeScript compiler (scripts/build-ts-parser.ts, loaded by
// src/conformance/scan/ts.ts): it holds every name the scanner calls, derived from the sources,
// and parses the corpus to the very trees the full compiler gives.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { execa } from 'execa';
import type { ts as TS } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { buildState } from '../../bin/build-state.js';
import { DEFAULT_EXTENSIONS } from '../../src/conformance/config/defaults.ts';
import { listRepoFiles } from '../../src/conformance/scan/gitignore.ts';
import { scanDirectory } from '../../src/conformance/scan/standalone.ts';
import { ts } from '../../src/conformance/scan/ts.ts';
import { REPO_ROOT } from './helpers.ts';

const TS_MODULE = join(REPO_ROOT, 'src/conformance/scan/ts.ts');
const CORPUS = join(REPO_ROOT, 'fixtures/llm-corpus');

/** The cut of the current build (the test run's global setup builds one when it is stale). */
function cut(): typeof TS & { __absent: string[] } {
  const state = buildState(REPO_ROOT);
  if (state.state !== 'current') throw new Error(`dist/ is ${state.state}: the global setup should have built it`);
  return createRequire(import.meta.url)(join(REPO_ROOT, 'dist', state.record.dir, 'ts-parser.cjs')) as typeof TS & { __absent: string[] };
}

/** Every `ts.X` the sources call on the scanner's compiler (whatever they name the import). */
function namesUsed(): Set<string> {
  const used = new Set<string>();
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
  for (const file of walk(join(REPO_ROOT, 'src'))) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    const locals = new Set<string>();
    for (const stmt of sf.statements) {
      if (!ts.isImportDeclaration(stmt) || !ts.isStringLiteral(stmt.moduleSpecifier) || stmt.importClause?.isTypeOnly) continue;
      if (resolve(dirname(file), stmt.moduleSpecifier.text) !== TS_MODULE) continue;
      const named = stmt.importClause?.namedBindings;
      if (named && ts.isNamedImports(named)) for (const el of named.elements) if (!el.isTypeOnly && (el.propertyName ?? el.name).text === 'ts') locals.add(el.name.text);
    }
    if (locals.size === 0) continue;
    const visit = (node: TS.Node): void => {
      if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && locals.has(node.expression.text)) used.add(node.name.text);
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return used;
}

/** A tree as data: each node's kind and span, depth first. */
function shape(sf: TS.SourceFile, api: typeof TS): string[] {
  const out: string[] = [];
  const visit = (node: TS.Node, depth: number): void => {
    out.push(`${depth}:${node.kind}:${node.pos}-${node.end}`);
    api.forEachChild(node, (child) => visit(child, depth + 1));
  };
  visit(sf, 0);
  return out;
}

describe('the scanner’s cut of the TypeScript compiler', () => {
  it('holds every name the scanner calls (none is served by the full compiler)', () => {
    const parser = cut();
    const used = [...namesUsed()].sort();
    expect(used).toEqual(expect.arrayContaining(['createSourceFile', 'forEachChild', 'isCallExpression', 'SyntaxKind']));
    expect(used.filter((n) => parser.__absent.includes(n) || !(n in parser))).toEqual([]);
  });

  it('parses the corpus to the trees the full compiler gives, with the node methods the scanner calls', () => {
    const parser = cut();
    const files = listRepoFiles(CORPUS, { extensions: DEFAULT_EXTENSIONS });
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const text = readFileSync(join(CORPUS, file), 'utf8');
      const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
      const mine = parser.createSourceFile(file, text, { languageVersion: parser.ScriptTarget.Latest, jsDocParsingMode: parser.JSDocParsingMode.ParseAll }, true, kind);
      const full = ts.createSourceFile(file, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseAll }, true, kind);
      expect(shape(mine, parser), file).toEqual(shape(full, ts));
      const last = mine.statements[mine.statements.length - 1] as TS.Statement;
      expect(mine.getLineAndCharacterOfPosition(last.getStart(mine)), file).toEqual(full.getLineAndCharacterOfPosition((full.statements[full.statements.length - 1] as TS.Statement).getStart(full)));
      expect(last.getText(mine)).toBe((full.statements[full.statements.length - 1] as TS.Statement).getText(full));
    }
  });

  it('keeps no V8 code cache in a folder others can write (V8 would run what it holds)', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'orch-v8-tmp-'));
    try {
      const shared = join(parent, `v8-cache-orch-${process.getuid?.() ?? 0}`);
      mkdirSync(shared);
      chmodSync(shared, 0o777);
      const scan = (dir: string) =>
        // orch-inventory-ignore: runs this repo's own CLI with the current Node, never an agent
        execa(process.execPath, [join(REPO_ROOT, 'bin/orch.js'), 'scan', dir, '--json', '--no-cache'], { reject: false, env: { TMPDIR: parent } });
      const refused = await scan(CORPUS);
      expect(refused.exitCode).toBe(1);
      expect(JSON.parse(refused.stdout).findings).toHaveLength(100);
      expect(readdirSync(shared)).toEqual([]);
      chmodSync(shared, 0o700);
      await scan(CORPUS);
      expect(readdirSync(shared).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('the compiled orch scan, which parses with it, finds what the scanner finds in-process', async () => {
    cut();
    // orch-inventory-ignore: runs this repo's own CLI with the current Node, never an agent
    const run = await execa(process.execPath, [join(REPO_ROOT, 'bin/orch.js'), 'scan', CORPUS, '--json', '--no-cache'], { reject: false });
    expect(run.exitCode).toBe(1);
    const compiled = JSON.parse(run.stdout) as { findings: unknown[]; parsed: number };
    const inProcess = await scanDirectory(CORPUS);
    expect(compiled.findings).toEqual(inProcess.findings);
    expect(compiled.parsed).toBe(inProcess.parsed);
  });
});
