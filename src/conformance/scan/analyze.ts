// One file's findings: LLM SDK imports and calls, spawns of agent CLIs, HTTP requests to LLM
// hosts, unresolved spawns and fetches, and call-sites of the transport. Everything inside the
// transport's own body is the transport itself and is exempt. What counts as an SDK call is read
// from the rules table (rules/sdks.ts): constructing a client, a model handle or a prompt is not
// a call; the methods that send a request are. One finding per call expression.
// The steps live in analyze/: the walk (walk.ts), static SDK imports (static-imports.ts), each
// call's classification (classify.ts, with spawn.ts and request.ts), and the exported handles
// (exports.ts), over one per-file state (file-scan.ts).
import type { ts as TS } from 'ts-morph';
import type { Target } from './callee.ts';
import type { SdkRules } from './rules/sdks.ts';
import { classifyCall } from './analyze/classify.ts';
import { exportedHandles } from './analyze/exports.ts';
import { createFileScan } from './analyze/file-scan.ts';
import { staticSdkImports } from './analyze/static-imports.ts';
import { walkFile } from './analyze/walk.ts';

export const FINDING_KINDS = [
  'transport-call',
  'sdk-import',
  'sdk-call',
  'agent-spawn',
  'llm-fetch',
  'unresolved-spawn',
  'unresolved-fetch',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface RawFinding {
  readonly kind: FindingKind;
  readonly line: number;
  readonly column: number;
  /** First line of the statement holding the finding: a waiver on the line above it applies. */
  readonly statementLine: number;
  readonly symbol: string;
  /** The SDK module, the program, the URL host, or the callee text, for messages. */
  readonly detail: string;
  /** The SDK (its rules id), the agent CLI, or the LLM host (`configured` for an env base URL). */
  readonly sdk: string | null;
  /** The callee as written (first line, at most 80 characters); the module for an import. */
  readonly callee: string;
  /** String literals passed to a transport call (role or stage names). */
  readonly literals?: readonly string[];
  /** Values of `role:` / `agent:` properties passed to a transport call. */
  readonly roleLiterals?: readonly string[];
}

export interface AnalyzeOptions {
  readonly sdks: readonly string[];
  readonly agentClis: readonly string[];
  readonly hosts: readonly string[];
  /** The transport's name when it is declared in this file. */
  readonly localTransport: string | null;
  isTransport(module: string, path: readonly string[]): boolean;
  /** Whether a module specifier is an LLM SDK (memoised by the caller: specifiers repeat). */
  isSdk(module: string): boolean;
  /** The rules of an SDK module, null when it has none (then every call on it counts). */
  rulesOf(module: string): SdkRules | null;
  /** What another module of the repo exports under a name (an SDK client made there). */
  imported?(module: string, name: string): readonly Target[];
  /** Also report what this file exports that is an SDK handle (for files importing it). */
  readonly collectExports?: boolean;
}

export interface FileAnalysis {
  readonly findings: RawFinding[];
  /** Exported names whose value is an SDK handle, or a function returning one. */
  readonly exports: Map<string, Target[]>;
}

export function analyzeFile(sf: TS.SourceFile, options: AnalyzeOptions): FileAnalysis {
  const scan = createFileScan(sf, options);
  walkFile(scan);
  staticSdkImports(scan);
  for (const call of scan.calls) classifyCall(scan, call);
  // Source order, so ordinals in entry keys follow the file from top to bottom.
  const findings = scan.found.sort((a, b) => a.pos - b.pos).map(({ pos: _pos, ...f }) => f);
  return { findings, exports: options.collectExports ? exportedHandles(sf, scan.ctx) : new Map() };
}
