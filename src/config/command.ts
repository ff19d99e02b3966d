// Command lines in config (ORCH_AGENT_CMD, ORCH_DEPLOY_CMD, ...): split with shell-word rules
// (shell-quote) and run WITHOUT a shell, so anything only a shell would act on is refused at
// startup instead of being passed to the program as a literal word.
import { parse } from 'shell-quote';
import { z } from 'zod';
import type { KeyDef } from './define.ts';

export const COMMAND_ALLOWED =
  'a command line split with shell-word rules (quotes and backslashes work); it runs without a shell, so operators (| & ; < > ( )), globs, comments, $VAR or $(...) substitutions, backticks and leading VAR=value assignments are refused (use `env VAR=value cmd`)';

/** Why `text` is not a plain command line, or null. `words` receives the argv when it is. */
export function commandProblem(text: string, words: string[] = []): string | null {
  const substituted: string[] = [];
  const tokens = parse(text, (name) => {
    substituted.push(name);
    return '';
  });
  if (substituted.length > 0) return `it uses $${substituted[0] || '(...)'}: a substitution needs a shell`;
  for (const token of tokens) {
    if (typeof token !== 'string') {
      if ('comment' in token) return 'it contains a # comment';
      return token.op === 'glob' ? `it contains the glob ${token.pattern}` : `it contains the shell operator ${token.op}`;
    }
    if (token.includes('`')) return 'it contains a backtick: command substitution needs a shell';
    words.push(token);
  }
  if (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0] as string)) {
    return `it starts with the assignment ${words[0]}: use \`env ${words[0]} ...\``;
  }
  return null;
}

/** argv of a command line, or throws naming the problem. Empty text gives []. */
export function parseCommandLine(text: string): readonly string[] {
  const words: string[] = [];
  const problem = commandProblem(text, words);
  if (problem !== null) throw new Error(problem);
  return Object.freeze(words);
}

/** A config key holding a command line; its value is the argv ([] when empty and allowed). */
export function command(opts: { default: string; doc: string; optional?: boolean }): KeyDef<readonly string[]> {
  const schema = z.string().transform((raw, ctx) => {
    const words: string[] = [];
    const problem = commandProblem(raw, words);
    if (problem !== null || (words.length === 0 && !opts.optional)) {
      ctx.addIssue({ code: 'custom', message: problem ?? 'empty command' });
      return z.NEVER;
    }
    return Object.freeze(words) as readonly string[];
  });
  const allowed = opts.optional ? `empty (nothing is run) or ${COMMAND_ALLOWED}` : COMMAND_ALLOWED;
  return { default: opts.default, doc: opts.doc, allowed, schema };
}
