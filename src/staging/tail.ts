// The output tail that goes into the artifact: readable (no terminal escapes or control bytes,
// every line indented so that no output line can close the fence or pass for a verdict line) and
// bounded: stdout and stderr together never take more than TAIL_BUDGET_BYTES of the artifact.
import { stripVTControlCharacters } from 'node:util';

/** The artifact's share for output, both streams together (SPEC: bounded to 64 KiB). */
export const TAIL_BUDGET_BYTES = 64 * 1024;

/** Four spaces: CommonMark never takes a line indented by four as a closing fence. */
export const TAIL_INDENT = '    ';

/** Terminal escapes and control bytes out, line ends normalised, every line indented. */
export function cleanOutput(text: string): string {
  const plain = stripVTControlCharacters(text)
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
  const body = plain.endsWith('\n') ? plain.slice(0, -1) : plain;
  if (body === '') return '';
  return body
    .split('\n')
    .map((line) => (line === '' ? '' : TAIL_INDENT + line))
    .join('\n');
}

/** The last `maxBytes` bytes of `text`, starting at a whole line when the cut fell inside one. */
export function lastBytes(text: string, maxBytes: number): { text: string; cut: boolean } {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return { text, cut: false };
  const kept = buf.subarray(buf.length - maxBytes).toString('utf8');
  const newline = kept.indexOf('\n');
  return { text: newline === -1 ? kept.replace(/^\ufffd+/, '') : kept.slice(newline + 1), cut: true };
}

/** Share `budget` bytes between two texts: each gets half, and what one does not need goes to the other. */
export function shareBudget(a: number, b: number, budget: number): [number, number] {
  if (a + b <= budget) return [a, b];
  const half = Math.floor(budget / 2);
  if (a <= half) return [a, budget - a];
  if (b <= half) return [budget - b, b];
  return [half, budget - half];
}

export interface BoundedTails {
  readonly stdout: string;
  readonly stderr: string;
  /** Output was dropped from the front of a stream (the full log has it). */
  readonly stdoutCut: boolean;
  readonly stderrCut: boolean;
}

/** Clean both streams and keep their ends within `budget` bytes together. */
export function boundTails(stdout: string, stderr: string, budget = TAIL_BUDGET_BYTES): BoundedTails {
  const out = cleanOutput(stdout);
  const err = cleanOutput(stderr);
  const [, errBudget] = shareBudget(Buffer.byteLength(out), Buffer.byteLength(err), budget);
  // Cutting at a line start can leave a share partly unused: each stream then gets what the other left.
  const first = lastBytes(err, errBudget);
  const o = lastBytes(out, budget - Buffer.byteLength(first.text));
  const e = lastBytes(err, budget - Buffer.byteLength(o.text));
  return { stdout: o.text, stderr: e.text, stdoutCut: o.cut, stderrCut: e.cut };
}
