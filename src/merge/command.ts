// Commands configured as one string (ORCH_MERGE_RETEST_CMD, ORCH_COVERAGE_CMD) are split with
// shell-word rules and run WITHOUT a shell: quotes group words, but pipes, redirections, globs,
// comments and `$VAR` expansion are refused or kept literal, never interpreted.
import { parse } from 'shell-quote';

/** argv of `text`, or a message saying what a shell-free command cannot contain. */
export function splitCommand(text: string): { argv: string[] } | { problem: string } {
  // A variable stays literal text: nothing from the environment is spliced into the argv.
  const entries = parse(text, (name) => `$${name}`);
  const argv: string[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string') {
      argv.push(entry);
      continue;
    }
    const what = 'op' in entry ? (entry.op === 'glob' ? `the glob ${JSON.stringify(entry.pattern)}` : `the shell operator ${JSON.stringify(entry.op)}`) : 'a comment';
    return { problem: `contains ${what}; commands run without a shell: write a script and name it instead` };
  }
  if (argv.length === 0) return { problem: 'is empty' };
  return { argv };
}

/** True for an empty value (meaning "the default") or a command splitCommand accepts. */
export function isCommandOrEmpty(text: string): boolean {
  return text.trim() === '' || 'argv' in splitCommand(text);
}
