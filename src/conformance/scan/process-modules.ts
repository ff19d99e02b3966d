// Process-spawning functions the scanner knows, and how each takes its command: as a program
// name followed by an argv array ('argv'), or as a whole command line ('line').

export type CommandForm = 'argv' | 'line';

export const PROCESS_MODULES: Readonly<Record<string, Readonly<Record<string, CommandForm>>>> = Object.freeze({
  child_process: { spawn: 'argv', spawnSync: 'argv', execFile: 'argv', execFileSync: 'argv', exec: 'line', execSync: 'line' },
  execa: { execa: 'argv', execaSync: 'argv', execaCommand: 'line', execaCommandSync: 'line', $: 'argv' },
  'cross-spawn': { default: 'argv', '*': 'argv', sync: 'argv' },
});

/** The spawning function a module path names (`['*', 'spawn']` -> spawn), or null. */
export function spawnForm(module: string, path: readonly string[]): { fn: string; form: CommandForm } | null {
  const table = PROCESS_MODULES[module.startsWith('node:') ? module.slice(5) : module];
  if (!table) return null;
  const fn = path.length === 1 ? path[0] : path.length === 2 && (path[0] === 'default' || path[0] === '*') ? path[1] : undefined;
  if (fn === undefined) return null;
  const form = table[fn];
  return form ? { fn, form } : null;
}

/** Modules whose default or named export is `fetch`. */
const FETCH_MODULES = new Set(['node-fetch', 'undici', 'cross-fetch', 'isomorphic-fetch']);

export function isFetchExport(module: string, path: readonly string[]): boolean {
  if (!FETCH_MODULES.has(module)) return false;
  return (path.length === 1 && (path[0] === 'default' || path[0] === 'fetch' || path[0] === '*')) || (path.length === 2 && path[1] === 'fetch');
}
