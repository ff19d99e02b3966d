// Temp copies of a repo for the conformance tests: only what the harness reads, plus a symlink to
// the real node_modules so the copied code resolves its packages from the real repo.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import { vi } from 'vitest';
import { driftExitCode, runDrift } from '../../src/conformance/drift.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
/** The node_modules folder packages resolve from: the checkout's own, or a parent's (a task worktree under .orch/). */
const NODE_MODULES = require.resolve.paths('ajv')?.find((dir) => existsSync(dir)) ?? join(REPO_ROOT, 'node_modules');

// fixtures too: the docs name files there (docPaths in orch.conformance.json checks that they exist).
const ORCH_PARTS = ['src', 'scripts', 'bin', 'fixtures', 'docs', '.env.example', 'package.json', 'orch.conformance.json', '.dependency-cruiser.mjs'];

export interface TempRepo {
  readonly root: string;
  read(rel: string): string;
  write(rel: string, text: string): void;
  /** Replace exactly one occurrence of `from` in a file; fails loudly if it is not there once. */
  edit(rel: string, from: string, to: string): void;
  remove(): void;
}

/** Copy `parts` of `source` (default: orch itself) into a fresh temp dir. */
export function tempRepo(source = REPO_ROOT, parts: readonly string[] = ORCH_PARTS): TempRepo {
  const root = mkdtempSync(join(tmpdir(), 'orch-conformance-'));
  for (const part of parts) {
    const from = join(source, part);
    if (existsSync(from)) cpSync(from, join(root, part), { recursive: true });
  }
  symlinkSync(NODE_MODULES, join(root, 'node_modules'));
  return {
    root,
    read: (rel) => readFileSync(join(root, rel), 'utf8'),
    write(rel, text) {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), text);
    },
    edit(rel, from, to) {
      const text = readFileSync(join(root, rel), 'utf8');
      const count = text.split(from).length - 1;
      if (count !== 1) throw new Error(`${rel}: expected exactly one ${JSON.stringify(from)}, found ${count}`);
      writeFileSync(join(root, rel), text.replace(from, to));
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Run the real CLI in-process and capture what it prints (loaded on first use: it is big). */
export async function orch(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const { runCli } = await import('../../src/cli/program.ts');
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
  try {
    const code = await runCli(args);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

export interface JsonFinding {
  file: string;
  line: number;
  column: number;
  ruleId: string;
  message: string;
}

/**
 * `orch drift [--write] --root <root>` in-process, without loading the whole CLI (the CLI path
 * itself is tested in cli.test.ts): the exit code the command would return, and the findings.
 */
export async function driftJson(root: string, extra: readonly string[] = []): Promise<{ code: number; diagnostics: JsonFinding[]; written: string[] }> {
  const run = await runDrift({ root, write: extra.includes('--write') });
  return { code: driftExitCode(run.report), diagnostics: [...run.report.diagnostics], written: [...run.written] };
}

export const show = (ds: readonly JsonFinding[]) => ds.map((d) => `${d.file}:${d.line} ${d.ruleId} ${d.message}`);

/** The final SARIF 2.1.0 schema (OASIS, errata 01), vendored: fixtures/sarif/README.md. */
export const SARIF_SCHEMA_FILE = resolve(import.meta.dirname, '../../fixtures/sarif/sarif-schema-2.1.0.json');

/**
 * A validator for SARIF 2.1.0 (the final OASIS schema, draft-04). The schema's `language` pattern
 * is not valid with the `u` flag; its formats are checked with the platform's own parsers.
 */
export function sarifValidator(): (log: unknown) => { ok: boolean; errors: string } {
  const schema = JSON.parse(readFileSync(SARIF_SCHEMA_FILE, 'utf8')) as object;
  // ajv-draft-04 is CommonJS: under NodeNext its class is the default export's `default`.
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', (v: string) => URL.canParse(v));
  ajv.addFormat('uri-reference', (v: string) => URL.canParse(v, 'file:///base/'));
  ajv.addFormat('date-time', (v: string) => !Number.isNaN(Date.parse(v)) && v.includes('T'));
  const validate = ajv.compile(schema);
  return (log) => ({ ok: validate(log) === true, errors: JSON.stringify(validate.errors ?? []) });
}

/** Temp copies made by one test file, removed after each test. */
export function tempRepos(): { fresh(from?: TempRepo): TempRepo; cleanup(): void } {
  const repos: TempRepo[] = [];
  return {
    fresh(from) {
      const r = from ? tempRepo(from.root) : tempRepo();
      repos.push(r);
      return r;
    },
    cleanup: () => {
      for (const r of repos.splice(0)) r.remove();
    },
  };
}

/** The single finding with this rule in this file; fails listing all findings otherwise. */
export function only(ds: readonly JsonFinding[], file: string, ruleId: string): JsonFinding {
  const hits = ds.filter((d) => d.file === file && d.ruleId === ruleId);
  if (hits.length !== 1) throw new Error(`expected one ${ruleId} in ${file}, found ${hits.length}:\n${show(ds).join('\n')}`);
  return hits[0] as JsonFinding;
}

/** Name more registries and enable more blocks in a temp copy's harness config. */
export function enable(r: TempRepo, model: Record<string, string>, blocks: Record<string, object>): void {
  const config = JSON.parse(r.read('orch.conformance.json'));
  Object.assign(config.model, model);
  Object.assign(config.blocks, blocks);
  r.write('orch.conformance.json', `${JSON.stringify(config, null, 2)}\n`);
}

/**
 * A copy of `base` after `--write` made it clean. The harness imports the repo's registries, and
 * a module once imported stays cached for this process: mutating a fresh copy (new paths) makes
 * sure the second run sees the mutated code.
 */
export async function cleanCopyOf(fresh: (from?: TempRepo) => TempRepo, base: TempRepo): Promise<TempRepo> {
  const run = await driftJson(base.root, ['--write']);
  if (run.code !== 0) throw new Error(`the base copy is not clean after --write:\n${show(run.diagnostics).join('\n')}`);
  return fresh(base);
}
