// Temp copies of a repo for the conformance tests: only what the harness reads, plus a symlink to
// the real node_modules so the copied code resolves its packages from the real repo.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import { vi } from 'vitest';
import { runCli } from '../../src/cli/program.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

const ORCH_PARTS = ['src', 'scripts', 'bin', 'docs', '.env.example', 'package.json', 'orch.conformance.json'];

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
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
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

/** Run the real CLI in-process and capture what it prints. */
export async function orch(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
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

/** `orch drift --json --root <root>`: the exit code and the findings. */
export async function driftJson(root: string, extra: readonly string[] = []): Promise<{ code: number; diagnostics: JsonFinding[]; written: string[] }> {
  const { code, out } = await orch(['drift', '--json', '--root', root, ...extra]);
  const parsed = JSON.parse(out) as { diagnostics: JsonFinding[]; written: string[] };
  return { code, diagnostics: parsed.diagnostics, written: parsed.written };
}

export const show = (ds: readonly JsonFinding[]) => ds.map((d) => `${d.file}:${d.line} ${d.ruleId} ${d.message}`);

/**
 * A validator for SARIF 2.1.0 (the rtm.5 schema, draft-04). The schema's `language` pattern is
 * not valid with the `u` flag; its formats are checked with the platform's own parsers.
 */
export function sarifValidator(): (log: unknown) => { ok: boolean; errors: string } {
  const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  // ajv-draft-04 is CommonJS: under NodeNext its class is the default export's `default`.
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', (v: string) => URL.canParse(v));
  ajv.addFormat('uri-reference', (v: string) => URL.canParse(v, 'file:///base/'));
  ajv.addFormat('date-time', (v: string) => !Number.isNaN(Date.parse(v)) && v.includes('T'));
  const validate = ajv.compile(schema);
  return (log) => ({ ok: validate(log) === true, errors: JSON.stringify(validate.errors ?? []) });
}
