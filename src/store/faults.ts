// Environment faults around the store, turned into one line that names the path or key and the
// cause (`ORCH_HOME=/x/y is not writable (EACCES)`, `.../orch.db is not an orch store (file is not
// a database)`). The CLI prints that line and exits 2; ORCH_DEBUG=1 adds the stack.
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EnvironmentError, isOrchError } from '../errors.ts';

/** The errno or SQLite code of an error, looking through `cause` chains (migrations wrap theirs). */
export function faultCode(error: unknown): string | null {
  for (let e: unknown = error, depth = 0; e !== null && e !== undefined && depth < 5; depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && !code.startsWith('ORCH_')) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

function errnoMessage(error: unknown): string {
  for (let e: unknown = error, depth = 0; e !== null && e !== undefined && depth < 5; depth += 1) {
    if (!isOrchError(e) && e instanceof Error) return e.message;
    e = (e as { cause?: unknown }).cause;
  }
  return String(error);
}

/**
 * Create `dir` and its missing parents one level at a time, then check it is a writable folder.
 * Node's recursive mkdir spins forever under /proc (ORCH_HOME=/proc/x); creating each level
 * ourselves fails there at once with ENOENT. `label` is what the message names, e.g. `ORCH_HOME=.orch`.
 */
export function ensureWritableDir(dir: string, label: string): void {
  const target = resolve(dir);
  const missing: string[] = [];
  let at = target;
  for (;;) {
    try {
      const st = statSync(at);
      if (!st.isDirectory()) throw new EnvironmentError(`${label} is not writable (ENOTDIR: ${at} is not a folder)`);
      break;
    } catch (error) {
      if (error instanceof EnvironmentError) throw error;
      const code = faultCode(error);
      if (code !== 'ENOENT') throw new EnvironmentError(`${label} is not writable (${code ?? errnoMessage(error)})`, { cause: error });
      missing.unshift(at);
      const parent = dirname(at);
      if (parent === at) break;
      at = parent;
    }
  }
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (error) {
      const code = faultCode(error);
      if (code === 'EEXIST' && statSync(level).isDirectory()) continue;
      throw new EnvironmentError(`${label} is not writable (${code ?? errnoMessage(error)})`, { cause: error });
    }
  }
  try {
    accessSync(target, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new EnvironmentError(`${label} is not writable (${faultCode(error) ?? errnoMessage(error)})`, { cause: error });
  }
}

/** What an error from opening or first using a SQLite file means, as one line naming the file; null when it is not one of ours to explain. */
export function sqliteFault(path: string, error: unknown): EnvironmentError | null {
  const code = faultCode(error);
  if (code === null) return null;
  const cause = errnoMessage(error);
  if (code === 'SQLITE_NOTADB') return new EnvironmentError(`${path} is not an orch store (${cause})`, { cause: error });
  if (code.startsWith('SQLITE_CORRUPT')) return new EnvironmentError(`${path} is corrupt (${cause}); restore a backup, \`orch doctor\` runs the full check`, { cause: error });
  if (code.startsWith('SQLITE_READONLY')) return new EnvironmentError(`${path} is read-only (${cause})`, { cause: error });
  if (code.startsWith('SQLITE_CANTOPEN')) return new EnvironmentError(`${path} cannot be opened (${cause})`, { cause: error });
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_FULL' || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') {
    return new EnvironmentError(`${path} cannot be used (${code}: ${cause})`, { cause: error });
  }
  if (/^E[A-Z]+$/.test(code)) return new EnvironmentError(`${path} cannot be used (${code}: ${cause})`, { cause: error });
  return null;
}
