// The artifact a reserved deterministic agent writes: a human-readable log in Markdown with
// exactly one machine-verdict line, read later by THE verdict parser like any LLM artifact.
// Output tails go in fenced blocks (lines inside fences never count as verdicts) and every
// secret value is masked.
import { verdictKey } from '../core/verdict-keys.ts';
import { maskSecrets } from '../secrets/mask.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';

export interface ArtifactSection {
  readonly heading: string;
  /** `key: value` facts, shown as a list. */
  readonly facts?: ReadonlyArray<readonly [string, string | number | null]>;
  /** Free text (one paragraph). */
  readonly text?: string;
  /** Command output, shown in a fence. */
  readonly output?: string;
}

export interface ArtifactSpec {
  readonly title: string;
  readonly sections: readonly ArtifactSection[];
  readonly verdictKey: string;
  readonly verdict: string;
}

/** A fence longer than any backtick run in `text`, so the output cannot close it early. */
function fenceFor(text: string): string {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(Math.max(3, longest + 1));
}

/** The Markdown text; throws if the verdict is not an allowed value of its key (a bug in the agent). */
export function renderArtifact(spec: ArtifactSpec, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const def = verdictKey(spec.verdictKey);
  if (!def.values.includes(spec.verdict)) throw new Error(`${spec.verdictKey}: ${spec.verdict} is not one of ${def.values.join(', ')}`);
  const out: string[] = [`# ${spec.title}`, ''];
  for (const s of spec.sections) {
    out.push(`## ${s.heading}`, '');
    if (s.facts) {
      for (const [k, v] of s.facts) out.push(`- ${k}: ${v === null ? '-' : String(v)}`);
      out.push('');
    }
    if (s.text) out.push(s.text, '');
    if (s.output !== undefined) {
      const body = s.output.replace(/\s+$/, '');
      const fence = fenceFor(body);
      out.push(`${fence}text`, body === '' ? '(no output)' : body, fence, '');
    }
  }
  out.push(`${spec.verdictKey}: ${spec.verdict}`, '');
  return maskSecrets(out.join('\n'), env);
}

/** Write atomically (temp file + rename), so a gate never reads half an artifact. */
export function writeArtifact(path: string, spec: ArtifactSpec, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const text = renderArtifact(spec, env);
  writeFileAtomic(path, text);
  return text;
}
