// The one diagnostic shape of the harness (STYLE §9): the scanner and the docs checks both report
// `{file, line, column, ruleId, message}`; text, JSON and SARIF are renderings of a list of them.

export interface Diagnostic {
  /** Path relative to the scanned root, with forward slashes. */
  readonly file: string;
  /** 1-based; 1 when the problem is about a whole file. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly ruleId: RuleId;
  /** Names the block and the entry when there is one, and says what each side has. */
  readonly message: string;
}

/** Every rule the harness reports, with the one-line description SARIF viewers show. */
export const RULES = {
  'block-missing': 'A machine-readable block that the code defines is not in the docs.',
  'block-duplicate': 'A block name appears more than once in the docs.',
  'block-unknown': 'A block name that no block definition knows, or that the harness config does not enable.',
  'block-misplaced': 'A block is in another doc than the one it belongs to.',
  'block-parse': 'A block body cannot be read (invalid YAML or SQL, or an entry of the wrong shape).',
  'block-entry-missing': 'An entry exists in code but not in the doc block.',
  'block-entry-stale': 'An entry exists in the doc block but no longer in code.',
  'block-entry-differs': 'An entry exists on both sides with different fields.',
  'block-format': 'Same entries on both sides, but the block text is not the canonical text.',
  'block-source': 'The code a block is derived from cannot be loaded or has the wrong shape.',
  'config-raw-env': 'An ORCH_* setting read from process.env outside the config registry and its loader.',
  'env-example': '.env.example does not list a config key with its default and doc, or lists an unknown key.',
  'llm-sdk-import': 'An LLM SDK is imported outside the single LLM transport.',
  'llm-sdk-call': 'A call reaches an LLM SDK outside the single LLM transport.',
  'agent-cli-spawn': 'A process spawn runs a known agent CLI outside the single LLM transport.',
  'llm-api-fetch': 'A fetch targets a known LLM API host outside the single LLM transport.',
  'unresolved-spawn': 'A process spawn whose command is not a literal, neither waived inline nor documented.',
  'unresolved-fetch': 'A fetch whose URL is not a literal, neither waived inline nor documented.',
  'waiver-without-reason': 'An orch-inventory-ignore comment without a reason.',
  'waiver-unused': 'An orch-inventory-ignore comment or a documented exception that matches no finding.',
  'transport-multiple': 'More than one function is marked as the LLM transport.',
  'transport-role': 'A transport call-site names a role that the role registry does not know.',
  'judgment-missing': 'A role reaches the LLM transport but the harness config has no judgment for it.',
  'judgment-stale': 'The harness config judges a role that is not an LLM role.',
  'inventory-class': 'A class in the inventory disagrees with the avoidable-LLM-control-path predicate.',
  'marker-unresolved': 'A regression marker names a symbol that its file does not define.',
  'no-files-scanned': 'The scanner found no source file to scan: the source folders are wrong.',
  'registry-conflict': 'Two registries disagree (a verdict key renamed in one only): --write refuses to write blocks from them.',
} as const;

export type RuleId = keyof typeof RULES;

export function diagnostic(file: string, line: number, column: number, ruleId: RuleId, message: string): Diagnostic {
  return Object.freeze({ file, line, column, ruleId, message });
}

/** Stable order: by file, then position, then rule, so every rendering is deterministic. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId) || a.message.localeCompare(b.message),
  );
}
