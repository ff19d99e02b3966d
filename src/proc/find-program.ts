// Where a command's program is, the way execve/execvp would find it: a name with a slash is a
// path (relative to the working directory), any other name is looked up in PATH. Checked before a
// spawn, so "not installed" is told apart from every other way a start can fail.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

function executableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The absolute path of `program`, or null when it is not an executable file. */
export function findProgram(program: string, options: { cwd?: string; path?: string } = {}): string | null {
  if (program === '') return null;
  const cwd = options.cwd ?? process.cwd();
  if (program.includes('/')) {
    const full = isAbsolute(program) ? program : resolve(cwd, program);
    return executableFile(full) ? full : null;
  }
  const dirs = (options.path ?? process.env.PATH ?? '').split(delimiter).map((d) => (d === '' ? cwd : resolve(cwd, d)));
  for (const dir of dirs) {
    const full = join(dir, program);
    if (executableFile(full)) return full;
  }
  return null;
}
