// Which lines of a Markdown text lie inside fenced code blocks, found with mdast (micromark).
// micromark slows down sharply on large documents with many blocks (a 1 MB artifact of lists and
// fences took over a minute in one parse), so the text is parsed in windows: a window ends at
// the start of its last top-level block, where every earlier block is closed and the next window
// can start afresh with the same block structure.
import type { Code, Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { visit } from 'unist-util-visit';

// Inline syntax never changes block structure (CommonMark parses blocks first), and it is most of
// the parse's cost, so it is turned off.
const BLOCKS_ONLY = {
  disable: {
    null: ['attention', 'autolink', 'characterEscape', 'characterReference', 'codeText', 'hardBreakEscape', 'htmlText', 'labelEnd', 'labelStartImage', 'labelStartLink'],
  },
};

/** Characters per window: small enough that micromark stays linear. */
export const FENCE_WINDOW_CHARS = 32_000;

/** 0-based indexes of the `lines` covered by fenced code blocks (fence lines included). */
export function fencedLineIndexes(lines: readonly string[], windowChars = FENCE_WINDOW_CHARS): Set<number> {
  const covered = new Set<number>();
  const text = lines.join('\n');
  // Only a document that has a fence marker can have a fenced block: skip the parse otherwise.
  if (!text.includes('```') && !text.includes('~~~')) return covered;
  let start = 0;
  let budget = windowChars;
  while (start < lines.length) {
    let end = start;
    let size = 0;
    while (end < lines.length && size < budget) size += (lines[end++] as string).length + 1;
    const tree: Root = fromMarkdown(lines.slice(start, end).join('\n'), { extensions: [BLOCKS_ONLY] });
    const last = tree.children[tree.children.length - 1];
    // The restart line (0-based, absolute): the start of the last top-level block of the window;
    // a window of blank lines leaves nothing open, so the next one starts right after it.
    let restart = lines.length;
    if (end < lines.length) restart = last?.position ? start + last.position.start.line - 1 : end;
    if (restart <= start) {
      // One block fills the whole window (a long fence): widen the window and parse again.
      budget *= 4;
      continue;
    }
    visit(tree, 'code', (node: Code) => {
      const from = node.position?.start.line;
      const to = node.position?.end.line;
      if (from === undefined || to === undefined || start + from - 1 >= restart) return;
      for (let l = from; l <= to; l++) covered.add(start + l - 1);
    });
    start = restart;
    budget = windowChars;
  }
  return covered;
}
