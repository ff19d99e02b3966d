// The program a command runs, through the launchers real code puts in front of it: package
// runners (`npx`, `bunx`, `pnpm dlx`, `yarn dlx`, `npm exec`), shells (`sh -c '...'`) and `env`.
// `npx @anthropic-ai/claude-code -p x` runs the agent CLI `claude`.
import { basename } from 'node:path';
import { parse as parseShell } from 'shell-quote';

/** npm packages that install an agent CLI, by the program name the agent list uses. */
export const AGENT_PACKAGES: Readonly<Record<string, string>> = Object.freeze({
  '@anthropic-ai/claude-code': 'claude',
  '@openai/codex': 'codex',
  '@google/gemini-cli': 'gemini',
  'opencode-ai': 'opencode',
  '@qwen-code/qwen-code': 'qwen',
  '@charmland/crush': 'crush',
  'aider-chat': 'aider',
  '@cursor/agent': 'cursor-agent',
});

const RUNNERS = new Set(['npx', 'bunx', 'pnpx']);
const RUNNER_SUBCOMMANDS: Readonly<Record<string, ReadonlySet<string>>> = { pnpm: new Set(['dlx', 'exec']), yarn: new Set(['dlx', 'exec']), npm: new Set(['exec', 'x']), bun: new Set(['x']) };
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh']);
/** Runner options that take a value (`npx -p pkg cmd`: the command follows). */
const VALUE_FLAGS = new Set(['-p', '--package', '-c', '--call', '--cache', '--registry']);

/** The program name of a word: its base name, without a Windows suffix or a package version. */
export function programName(word: string): string {
  const pkg = word.replace(/^(@[^/@]+\/[^@]+|[^@]+)@.*$/, '$1');
  const agent = AGENT_PACKAGES[pkg];
  return agent ?? basename(pkg).replace(/\.(exe|cmd|bat)$/i, '');
}

/** Words of a command line; a non-string token (operator, glob) ends the first command. */
export function shellWords(line: string): string[] {
  const out: string[] = [];
  for (const t of parseShell(line)) {
    if (typeof t !== 'string') break;
    out.push(t);
  }
  return out;
}

/**
 * The program a command runs, given its words (null where a word is not known statically).
 * Returns null when the program cannot be known.
 */
export function launchedProgram(words: readonly (string | null)[], depth = 0): string | null {
  const first = words[0];
  if (first === null || first === undefined || first === '' || depth > 4) return null;
  const name = programName(first);
  let rest = words.slice(1);
  if (RUNNERS.has(name) || (RUNNER_SUBCOMMANDS[name]?.has(rest[0] ?? '') ?? false)) {
    if (!RUNNERS.has(name)) rest = rest.slice(1);
    while (rest.length > 0 && rest[0] !== null && (rest[0] as string).startsWith('-')) {
      const flag = rest[0] as string;
      rest = rest.slice(flag === '--' || !VALUE_FLAGS.has(flag) ? 1 : 2);
    }
    return rest.length === 0 ? null : launchedProgram(rest, depth + 1);
  }
  if (SHELLS.has(name)) {
    const c = rest.findIndex((w) => w !== null && /^-\w*c$/.test(w));
    if (c === -1) return name;
    const line = rest[c + 1];
    return line === null || line === undefined ? null : launchedProgram(shellWords(line), depth + 1);
  }
  if (name === 'env') {
    while (rest.length > 0 && rest[0] !== null && (/^\w+=/.test(rest[0] as string) || (rest[0] as string).startsWith('-'))) rest = rest.slice(1);
    return rest.length === 0 ? null : launchedProgram(rest, depth + 1);
  }
  return name;
}
