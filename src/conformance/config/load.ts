// Reads a repo's `orch.conformance.json` once and returns the frozen, resolved harness config;
// a bad value stops with an error naming the key, the value and what is allowed.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError, InvalidInputError } from '../../errors.ts';
import { BLOCK_FAMILIES } from '../blocks/registry.ts';
import { HARNESS_CONFIG_FILE } from './defaults.ts';
import { harnessConfigSchema, type HarnessConfigParsed, type ModelKey } from './schema.ts';

export interface ResolvedHarnessConfig {
  /** Absolute path of the scanned repo. */
  readonly root: string;
  readonly docs: string;
  readonly sources: readonly string[];
  readonly ignore: readonly string[];
  readonly extensions: readonly string[];
  readonly transport: { readonly tag: string; readonly symbol: { readonly file: string; readonly name: string } | null };
  readonly llm: { readonly sdks: readonly string[]; readonly agentClis: readonly string[]; readonly hosts: readonly string[] };
  readonly model: Readonly<Partial<Record<ModelKey, string>>>;
  /** Enabled blocks, by family name, with their validated options. */
  readonly blocks: ReadonlyMap<string, unknown>;
  /** Path prefixes whose mentions in the docs must exist; empty: the check is off. */
  readonly docPathPrefixes: readonly string[];
}

function issuePath(issue: z.core.$ZodIssue): string {
  return issue.path.length === 0 ? HARNESS_CONFIG_FILE : `${HARNESS_CONFIG_FILE}: ${issue.path.join('.')}`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

function fail(error: z.ZodError, input: unknown, prefix: readonly PropertyKey[] = []): never {
  const issue = error.issues[0] as z.core.$ZodIssue;
  const path = [...prefix, ...issue.path];
  throw new ConfigError(issuePath({ ...issue, path }), valueAt(input, path), issue.message, { cause: error });
}

function resolveBlocks(parsed: HarnessConfigParsed, input: unknown): Map<string, unknown> {
  const blocks = new Map<string, unknown>();
  const known = BLOCK_FAMILIES.map((f) => f.name);
  for (const [name, raw] of Object.entries(parsed.blocks)) {
    const family = BLOCK_FAMILIES.find((f) => f.name === name);
    if (!family) throw new ConfigError(`${HARNESS_CONFIG_FILE}: blocks.${name}`, raw, `a block name: one of ${known.join(', ')}`);
    const options = family.options.safeParse(raw);
    if (!options.success) fail(options.error, input, ['blocks', name]);
    for (const key of family.requires) {
      if (parsed.model[key] === undefined) {
        throw new ConfigError(`${HARNESS_CONFIG_FILE}: model.${key}`, undefined, `a module reference "path#export", needed by block ${name}`);
      }
    }
    blocks.set(name, Object.freeze(options.data));
  }
  return blocks;
}

/** Validate a harness config object for the repo at `root`. */
export function resolveHarnessConfig(root: string, input: unknown): ResolvedHarnessConfig {
  const parsed = harnessConfigSchema.safeParse(input);
  if (!parsed.success) fail(parsed.error, input);
  const c = parsed.data;
  const symbol = c.transport.symbol?.split('#');
  return Object.freeze({
    root,
    docs: c.docs.replace(/\/+$/, ''),
    sources: Object.freeze(c.sources.map((s) => s.replace(/\/+$/, ''))),
    ignore: Object.freeze(c.ignore.map((s) => s.replace(/\/+$/, ''))),
    extensions: Object.freeze([...c.extensions]),
    transport: Object.freeze({ tag: c.transport.tag, symbol: symbol ? Object.freeze({ file: symbol[0] as string, name: symbol[1] as string }) : null }),
    llm: Object.freeze({ sdks: Object.freeze([...c.llm.sdks]), agentClis: Object.freeze([...c.llm.agentClis]), hosts: Object.freeze([...c.llm.hosts]) }),
    model: Object.freeze({ ...c.model }),
    blocks: resolveBlocks(c, input),
    docPathPrefixes: Object.freeze([...c.docPaths.prefixes]),
  });
}

/** Read `<root>/orch.conformance.json`; a missing root or file is a usage error. */
export function loadHarnessConfig(rootDir: string): ResolvedHarnessConfig {
  const root = resolve(rootDir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new InvalidInputError(`--root ${rootDir}: not a directory`);
  const file = join(root, HARNESS_CONFIG_FILE);
  if (!existsSync(file)) {
    throw new InvalidInputError(`${file} not found: the drift checks need a harness config there (see docs/conformance.md)`);
  }
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(HARNESS_CONFIG_FILE, file, `valid JSON (${(error as Error).message})`, { cause: error });
  }
  return resolveHarnessConfig(root, input);
}
