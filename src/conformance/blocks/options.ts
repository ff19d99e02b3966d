// Options every block accepts in the harness config.
import { z } from 'zod';

/** `doc`: where the block lives, relative to the root; each block has its default. */
export function docOption(defaultDoc: string) {
  return z.object({ doc: z.string().min(1).default(defaultDoc) }).strict();
}
