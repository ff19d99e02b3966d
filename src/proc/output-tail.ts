// The bounded tail of a log file: the last N bytes written by this run, decoded as UTF-8 with
// replacement characters, so binary or broken output can never throw or grow memory.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface Tail {
  readonly text: string;
  /** Bytes this run wrote to the log in total. */
  readonly bytes: number;
  /** Whether `text` is only the end of the output. */
  readonly truncated: boolean;
}

export const EMPTY_TAIL: Tail = Object.freeze({ text: '', bytes: 0, truncated: false });

const decoder = new TextDecoder('utf-8', { fatal: false });

/** Decode bytes cut out of a longer stream: a character split by the cut is dropped, not garbled. */
export function decodeTail(bytes: Uint8Array, cutAtStart: boolean): string {
  let start = 0;
  if (cutAtStart) {
    // Up to three continuation bytes (10xxxxxx) may belong to a character that began before the cut.
    while (start < 3 && start < bytes.length && ((bytes[start] as number) & 0xc0) === 0x80) start++;
  }
  return decoder.decode(bytes.subarray(start));
}

/** The last `maxBytes` of `path` after byte `fromOffset` (where this run's output began). */
export function readTail(path: string, fromOffset: number, maxBytes: number): Tail {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const bytes = Math.max(0, size - fromOffset);
    const start = Math.max(fromOffset, size - maxBytes);
    const length = Math.max(0, size - start);
    const buffer = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const n = readSync(fd, buffer, read, length - read, start + read);
      if (n === 0) break;
      read += n;
    }
    const truncated = start > fromOffset;
    return { text: decodeTail(buffer.subarray(0, read), truncated), bytes, truncated };
  } finally {
    closeSync(fd);
  }
}
