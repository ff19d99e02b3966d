// A cache folder under the temp dir that only this user can write. The temp dir is shared: a
// folder another user made first (or left open to everyone) could hold a planted registry bundle
// (code orch would run) or a planted scan cache (findings orch would not report). Such a folder
// is never used; the caller goes on without its cache and says why.
import { lstatSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type PrivateDir = { readonly dir: string; readonly refused?: undefined } | { readonly dir: string; readonly refused: string };

const uid = (): number | undefined => (typeof process.getuid === 'function' ? process.getuid() : undefined);

/** `$TMPDIR/<name>-orch-<uid>`, created with mode 0700 when missing. */
export function privateTempDir(name: string, parent = tmpdir()): PrivateDir {
  const dir = join(parent, `${name}-orch-${uid() ?? 0}`);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return { dir, refused: `${dir} cannot be created: ${(err as Error).message}` };
  }
  return { dir, ...checkPrivate(dir) };
}

/** Why `dir` is not this user's own folder, or nothing when it is. */
export function checkPrivate(dir: string): { refused?: string } {
  const st = lstatSync(dir, { throwIfNoEntry: false });
  if (!st) return { refused: `${dir} does not exist` };
  if (!st.isDirectory()) return { refused: `${dir} is not a folder` };
  const me = uid();
  if (me !== undefined && st.uid !== me) return { refused: `${dir} belongs to another user (uid ${st.uid})` };
  if (process.platform !== 'win32' && (st.mode & 0o022) !== 0) return { refused: `${dir} can be written by other users (mode ${(st.mode & 0o777).toString(8)})` };
  return {};
}
