// What a block definition is: a name, the doc it lives in, how to derive its canonical text from
// code, and how to read a doc's copy back into entries so the two sides can be compared.
import type { z } from 'zod';
import type { ResolvedHarnessConfig } from '../config/load.ts';
import type { ModelKey } from '../config/schema.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { ModelLoader } from '../model/loader.ts';
import type { ScanResult } from '../scan/scan.ts';

/** One comparable unit of a block: a transition, a column, a role. Keys never hold line numbers. */
export interface Entry {
  readonly key: string;
  /** Plain data; two entries are equal when their data is. */
  readonly data: unknown;
  /** 1-based line inside the block body, for messages (doc side only). */
  readonly line?: number;
}

export interface Derived {
  /** The canonical body, each line ending with '\n'. */
  readonly body: string;
  readonly entries: readonly Entry[];
  /** The code file(s) the block comes from, named in messages. */
  readonly source: string;
  /** Findings in code that belong to this block (scanner findings, unresolved markers). */
  readonly findings?: readonly Diagnostic[];
}

export type ParsedBlock =
  | { readonly ok: true; readonly entries: readonly Entry[]; readonly checks?: readonly EntryProblem[] }
  | { readonly ok: false; readonly line: number; readonly message: string };

/** A problem a block finds inside the doc's own copy (e.g. a class that contradicts its axis). */
export interface EntryProblem {
  readonly key: string;
  readonly line: number;
  readonly message: string;
}

export interface BlockContext {
  readonly root: string;
  readonly config: ResolvedHarnessConfig;
  readonly model: ModelLoader;
  /** The source scan, run once and shared by every block that needs it. */
  scan(): Promise<ScanResult>;
}

/** One concrete block, `orch:<name>`, in one doc. */
export interface BlockInstance {
  readonly name: string;
  readonly lang: string;
  /** Doc path relative to the root. */
  readonly doc: string;
  derive(): Promise<Derived>;
  parse(body: string): Promise<ParsedBlock> | ParsedBlock;
  /** Checks of a file that is not a doc block but must agree too (`.env.example`). */
  companion?(): Promise<CompanionResult>;
}

export interface CompanionResult {
  readonly diagnostics: readonly Diagnostic[];
  /** The whole repaired file, for `--write`; absent when there is nothing to repair. */
  readonly rewrite?: { readonly file: string; readonly text: string } | undefined;
}

/** A block definition; most yield one instance, role cards one per LLM role. */
export interface BlockFamily<O = unknown> {
  readonly name: string;
  /** For families of many blocks (`role/<role>`): the prefix their block names share. */
  readonly prefix?: string;
  /** Options of this block in the harness config, validated here, by the module that owns them. */
  readonly options: z.ZodType<O>;
  /** Registries this block derives from; the harness config must name each. */
  readonly requires: readonly ModelKey[];
  instances(ctx: BlockContext, options: O): Promise<BlockInstance[]>;
}
