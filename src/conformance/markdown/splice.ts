// Rewriting blocks in place: only the bytes between the fences (and, when the language is wrong,
// the opening fence line) change; the prose around them is copied byte for byte.
import type { DocBlock } from './blocks.ts';

export interface BlockRewrite {
  readonly block: DocBlock;
  /** The canonical body, ending with '\n' (or empty). */
  readonly body: string;
  readonly lang: string;
}

function indentBody(body: string, prefix: string): string {
  if (prefix === '' || body === '') return body;
  return body
    .split('\n')
    .map((line, i, all) => (i === all.length - 1 && line === '' ? line : `${prefix}${line}`))
    .join('\n');
}

function fenceText(text: string, block: DocBlock): string {
  const ch = text[block.fenceStart];
  let end = block.fenceStart;
  while (end < text.length && text[end] === ch) end++;
  return text.slice(block.fenceStart, end);
}

/** Apply rewrites to one document's text; blocks must all come from this text. */
export function rewriteBlocks(text: string, rewrites: readonly BlockRewrite[]): string {
  const ordered = [...rewrites].sort((a, b) => a.block.fenceStart - b.block.fenceStart);
  let out = '';
  let cursor = 0;
  for (const { block, body, lang } of ordered) {
    const fence = fenceText(text, block);
    if (lang !== block.lang) {
      out += text.slice(cursor, block.fenceStart) + `${fence}${lang} orch:${block.name}`;
      cursor = block.infoEnd;
    }
    const newline = block.bodyStart > block.infoEnd ? '' : '\n';
    const closing = block.closed ? '' : `${block.prefix}${fence}\n`;
    out += text.slice(cursor, block.bodyStart) + newline + indentBody(body, block.prefix) + closing;
    cursor = block.bodyEnd;
  }
  return out + text.slice(cursor);
}

/** A whole new fenced block, for a doc that lacks it. */
export function renderFencedBlock(name: string, lang: string, body: string): string {
  const fence = body.includes('```') ? '~~~~' : '```';
  return `${fence}${lang} orch:${name}\n${body}${fence}\n`;
}

/** Append a block at the end of a document (or start one), separated by a blank line. */
/** Put a block back at offset `at` (the end of the text that preceded it), a blank line on each side. */
export function insertBlock(text: string, at: number, name: string, lang: string, body: string): string {
  const head = text.slice(0, at);
  const tail = text.slice(at).replace(/^\n*/, '');
  return `${head}\n\n${renderFencedBlock(name, lang, body)}${tail === '' ? '' : `\n${tail}`}`;
}

export function appendBlock(text: string, name: string, lang: string, body: string): string {
  const block = renderFencedBlock(name, lang, body);
  if (text === '') return block;
  const sep = text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  return `${text}${sep}${block}`;
}
