// The labels of the scanner's corpus (fixtures/llm-corpus): `// expect: kind[, kind]` at the end
// of a line names the findings that must start on that line. Compared with a scan, they give
// recall and precision per kind.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const LABELLED_KINDS = ['sdk-import', 'sdk-call', 'llm-fetch', 'agent-spawn'] as const;
export type LabelledKind = (typeof LABELLED_KINDS)[number];

/** `file:line:kind` of every label in the given files. */
export function readLabels(root: string, files: readonly string[]): Set<string> {
  const labels = new Set<string>();
  for (const file of files) {
    readFileSync(join(root, file), 'utf8')
      .split('\n')
      .forEach((text, i) => {
        const m = /\/\/ expect: ([\w, -]+)\s*$/.exec(text);
        if (!m) return;
        for (const kind of (m[1] as string).split(',').map((k) => k.trim())) {
          if (!(LABELLED_KINDS as readonly string[]).includes(kind)) throw new Error(`${file}:${i + 1}: unknown label "${kind}" (one of ${LABELLED_KINDS.join(', ')})`);
          labels.add(`${file}:${i + 1}:${kind}`);
        }
      });
  }
  return labels;
}

export interface KindScore {
  readonly kind: LabelledKind;
  readonly expected: number;
  readonly found: number;
  readonly truePositives: number;
  readonly recall: number;
  readonly precision: number;
  readonly missed: string[];
  readonly extra: string[];
}

/** Recall and precision per kind of a scan's `file:line:kind` findings against the labels. */
export function score(labels: ReadonlySet<string>, found: ReadonlySet<string>): KindScore[] {
  return LABELLED_KINDS.map((kind) => {
    const exp = [...labels].filter((l) => l.endsWith(`:${kind}`));
    const got = [...found].filter((l) => l.endsWith(`:${kind}`));
    const tp = got.filter((g) => labels.has(g)).length;
    return {
      kind,
      expected: exp.length,
      found: got.length,
      truePositives: tp,
      recall: exp.length === 0 ? 1 : tp / exp.length,
      precision: got.length === 0 ? 1 : tp / got.length,
      missed: exp.filter((e) => !found.has(e)),
      extra: got.filter((g) => !labels.has(g)),
    };
  });
}

/** The acceptance goals of the scanner on its corpus (issue 15). */
export const GOALS: Readonly<Partial<Record<LabelledKind, { recall?: number; precision?: number }>>> = Object.freeze({
  'sdk-call': { recall: 0.95, precision: 0.9 },
  'sdk-import': { precision: 0.95 },
  'llm-fetch': { recall: 0.9 },
});

/** Goals a score misses, as sentences. */
export function belowGoals(scores: readonly KindScore[]): string[] {
  const out: string[] = [];
  for (const s of scores) {
    const g = GOALS[s.kind];
    if (g?.recall !== undefined && s.recall < g.recall) out.push(`${s.kind} recall ${s.recall.toFixed(3)} < ${g.recall}`);
    if (g?.precision !== undefined && s.precision < g.precision) out.push(`${s.kind} precision ${s.precision.toFixed(3)} < ${g.precision}`);
  }
  return out;
}
