// Machine-readable blocks: fenced code blocks whose info string is `<lang> orch:<name>` (SPEC §10).
// Found with mdast, never with patterns over Markdown; node offsets are kept so `--write` can
// splice a new body into the original text and leave every other byte alone.
import type { Code, Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { visit } from 'unist-util-visit';

export const BLOCK_PREFIX = 'orch:';

export interface DocBlock {
  /** The name after `orch:`, e.g. `stage-transitions`. */
  readonly name: string;
  readonly lang: string;
  /** The body as mdast reads it (fence indentation removed), ending with '\n' unless empty. */
  readonly body: string;
  /** Doc path relative to the root. */
  readonly file: string;
  /** 1-based line of the opening fence; the body starts on the next line. */
  readonly line: number;
  /** Offsets into the doc text: the opening fence line, and the body between the fences. */
  readonly fenceStart: number;
  readonly infoEnd: number;
  readonly bodyStart: number;
  readonly bodyEnd: number;
  /** What precedes the fence on its line (indentation, `> `), repeated on every body line. */
  readonly prefix: string;
  /** False when the document ended before a closing fence. */
  readonly closed: boolean;
}

function mayHoldBlock(text: string): boolean {
  for (let at = text.indexOf(BLOCK_PREFIX); at !== -1; at = text.indexOf(BLOCK_PREFIX, at + 1)) {
    const line = text.slice(text.lastIndexOf('\n', at) + 1, at);
    if (line.includes('```') || line.includes('~~~')) return true;
  }
  return false;
}

/** The block name an info string declares, or null when it is not a machine-readable block. */
export function blockName(node: Pick<Code, 'lang' | 'meta'>): string | null {
  const words = [node.lang ?? '', ...(node.meta ?? '').split(/\s+/)];
  const tagged = words.filter((w) => w.startsWith(BLOCK_PREFIX) && w.length > BLOCK_PREFIX.length);
  return tagged.length === 0 ? null : (tagged[0] as string).slice(BLOCK_PREFIX.length);
}

/** The run of fence characters (` or ~) starting at `start`; empty when there is none. */
function fenceOf(text: string, start: number): string {
  const ch = text[start];
  if (ch !== '`' && ch !== '~') return '';
  let end = start;
  while (end < text.length && text[end] === ch) end++;
  return text.slice(start, end);
}

/** A closing fence: the opening fence's character at least as many times, then only spaces. */
function isClosingFence(line: string, fence: string, prefix: string): boolean {
  const trimmed = (line.startsWith(prefix) ? line.slice(prefix.length) : line).trimStart();
  const run = fenceOf(trimmed, 0);
  return run[0] === fence[0] && run.length >= fence.length && trimmed.slice(run.length).trim() === '';
}

/**
 * Every `orch:` block of one Markdown document, in document order. `parse` gives the document's
 * tree when the caller holds it already (readDocs parses each doc once for every check).
 */
export function extractBlocks(text: string, file: string, parse: () => Root = () => fromMarkdown(text)): DocBlock[] {
  // A block's info string sits on its opening fence line: a document without a line holding both
  // a fence and the prefix has no block, and is not parsed (most docs mention orch: only in prose).
  if (!mayHoldBlock(text)) return [];
  const tree = parse();
  const blocks: DocBlock[] = [];
  visit(tree, 'code', (node: Code) => {
    const name = blockName(node);
    const start = node.position?.start;
    const end = node.position?.end;
    if (name === null || start?.offset === undefined || end?.offset === undefined) return;
    const lineStart = text.lastIndexOf('\n', start.offset - 1) + 1;
    const fence = fenceOf(text, start.offset);
    // Indented code has no fence and so no info string: blockName already returned null for it.
    const infoEnd = text.indexOf('\n', start.offset);
    const bodyStart = infoEnd === -1 || infoEnd >= end.offset ? end.offset : infoEnd + 1;
    const lastLineStart = text.lastIndexOf('\n', end.offset - 1) + 1;
    const prefix = text.slice(lineStart, start.offset);
    const closed = lastLineStart >= bodyStart && isClosingFence(text.slice(lastLineStart, end.offset), fence, prefix);
    blocks.push({
      name,
      lang: node.lang?.startsWith(BLOCK_PREFIX) ? '' : (node.lang ?? ''),
      body: node.value === '' ? '' : `${node.value}\n`,
      file,
      line: start.line,
      fenceStart: start.offset,
      infoEnd: infoEnd === -1 ? end.offset : infoEnd,
      bodyStart,
      bodyEnd: closed ? lastLineStart : end.offset,
      prefix,
      closed,
    });
  });
  return blocks;
}
