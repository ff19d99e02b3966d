// The token prefilter: a file is parsed only when its text contains something the scanner could
// report. It is a speed device, never a verdict: whatever it lets through is decided on the AST.
import { WAIVER_TAG } from '../config/defaults.ts';

export interface PrefilterInput {
  readonly sdks: readonly string[];
  readonly agentClis: readonly string[];
  readonly hosts: readonly string[];
  /** Names the transport is exported under, and the base names of the files exporting it. */
  readonly transportTokens: readonly string[];
  readonly transportTag: string;
}

const PROCESS_AND_FETCH = ['child_process', 'execa', 'fetch'];

/** Short SDK names ("ai") would match most files as bare words; quoted, they match only imports. */
function sdkTokens(sdk: string): string[] {
  if (sdk.endsWith('/') || sdk.length > 6) return [sdk];
  return [`'${sdk}'`, `"${sdk}"`, `'${sdk}/`, `"${sdk}/`, `\`${sdk}\``];
}

export function prefilterTokens(input: PrefilterInput): string[] {
  const tokens = new Set<string>([
    ...PROCESS_AND_FETCH,
    WAIVER_TAG,
    `@${input.transportTag}`,
    ...input.transportTokens,
    ...input.sdks.flatMap(sdkTokens),
    ...input.agentClis.filter((c) => c.length >= 4),
    ...input.hosts,
  ]);
  return [...tokens].filter((t) => t.length > 0);
}

export function mayMatter(text: string, tokens: readonly string[]): boolean {
  for (const token of tokens) if (text.includes(token)) return true;
  return false;
}
