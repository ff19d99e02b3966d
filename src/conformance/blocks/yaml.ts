// Rendering and reading YAML block bodies. Rendering is deterministic (the canonical text); reading
// yields entries with their line inside the body, so messages point at the right line.
import { Document, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Node } from 'yaml';
import type { Entry, ParsedBlock } from './types.ts';

export interface RenderOptions {
  /** Render each item of a top-level sequence (or of each top-level section) on one line. */
  readonly flowItems?: boolean;
}

/** Canonical YAML: no folding, flow sequences for lists of scalars. */
export function toYaml(data: unknown, options: RenderOptions = {}): string {
  const doc = new Document(data);
  visit(doc, {
    Seq(_key, node) {
      if (node.items.every((i) => isScalar(i))) node.flow = true;
    },
    Map(_key, node, path) {
      // path: [Document, Seq] for items of a top-level list; [Document, Map, Pair, Seq] in a section.
      const depth = path.filter((p) => isSeq(p)).length;
      if (options.flowItems && depth === 1 && path.length <= 4) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false, indentSeq: true });
}

/** How a block names its entries: the item, and the top-level section it sits in (or null). */
export type KeyOf = (item: unknown, section: string | null) => string | null;

function lineOf(node: Node | null | undefined, counter: LineCounter): number {
  const offset = node?.range?.[0];
  return offset === undefined ? 1 : counter.linePos(offset).line;
}

/**
 * Entries of a YAML body: items of a top-level sequence, or of each top-level section that is a
 * sequence; a section holding a single value is one entry named after the section.
 */
export function yamlEntries(body: string, keyOf: KeyOf): ParsedBlock {
  const counter = new LineCounter();
  const doc = parseDocument(body, { lineCounter: counter, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) return { ok: false, line: error.linePos?.[0]?.line ?? 1, message: `invalid YAML: ${error.message.split('\n')[0]}` };
  const entries: Entry[] = [];
  const fromSeq = (seq: Node, section: string | null): ParsedBlock | null => {
    if (!isSeq(seq)) return null;
    for (const item of seq.items) {
      const data = (item as Node).toJSON();
      const key = keyOf(data, section);
      if (key === null) return { ok: false, line: lineOf(item as Node, counter), message: `entry of an unexpected shape: ${JSON.stringify(data)}` };
      entries.push({ key, data, line: lineOf(item as Node, counter) });
    }
    return null;
  };
  const top = doc.contents;
  if (top === null || (isScalar(top) && top.value === null)) return { ok: true, entries };
  if (isSeq(top)) {
    const bad = fromSeq(top, null);
    return bad ?? { ok: true, entries };
  }
  if (!isMap(top)) return { ok: false, line: lineOf(top, counter), message: 'expected a YAML list or mapping at the top of the block' };
  for (const pair of top.items) {
    const section = String(isScalar(pair.key) ? pair.key.value : pair.key);
    const value = pair.value as Node | null;
    if (value && isSeq(value)) {
      const bad = fromSeq(value, section);
      if (bad) return bad;
    } else {
      entries.push({ key: section, data: value ? value.toJSON() : null, line: lineOf(pair.key as Node, counter) });
    }
  }
  return { ok: true, entries };
}
