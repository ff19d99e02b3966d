// The README is code: its quickstart is what CI runs, and its commands exist and work.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { execa } from 'execa';
import type { Code, Heading, Root } from 'mdast';
import { visit } from 'unist-util-visit';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { parse as parseShell } from 'shell-quote';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.ts';
import { makeTempRepo, type TempRepo } from '../helpers/git-repo.ts';
import { scaled } from '../helpers/time.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const readme: Root = fromMarkdown(readFileSync(join(ROOT, 'README.md'), 'utf8'));

function headingText(node: Heading): string {
  const parts: string[] = [];
  visit(node, 'text', (t) => void parts.push(t.value));
  return parts.join('');
}

/** The lines of the first code block after the heading named `title`. */
function blockAfter(title: string): string[] {
  const at = readme.children.findIndex((n) => n.type === 'heading' && headingText(n) === title);
  const code = readme.children.slice(at + 1).find((n): n is Code => n.type === 'code');
  if (at < 0 || !code) throw new Error(`README has no code block under "${title}"`);
  return code.value.split('\n').filter((l) => l.trim() !== '');
}

/** The commands of one shell line, split at its operators (`a && b` is two commands). */
function commandsOf(line: string): string[][] {
  const out: string[][] = [[]];
  for (const token of parseShell(line)) {
    if (typeof token === 'string') out[out.length - 1]?.push(token);
    else if ('op' in token) out.push([]);
  }
  return out.filter((argv) => argv.length > 0);
}

/** Commands of a shell script, as argv arrays (comments dropped). */
function shellCommands(text: string): string[][] {
  return text
    .split('\n')
    .map((line) => parseShell(line).filter((t): t is string => typeof t === 'string'))
    .filter((argv) => argv.length > 0);
}

describe('README quickstart', () => {
  it('installs and stages the checked-out branch, then runs the tests; .ci/run installs, lints, runs exactly that test command, then the e2e tier', () => {
    const quickstart = blockAfter('Quickstart');
    expect(quickstart).toEqual(['npm ci && git switch -c try-orch && npm run stage', 'npm test']);
    const ci = shellCommands(readFileSync(join(ROOT, '.ci/run'), 'utf8'));
    expect(ci[0]).toEqual(['set', '-euo', 'pipefail']);
    // CI does not stage orch itself: that would run the whole suite twice. scripts/bench/quickstart.ts runs line 1.
    expect(ci.slice(-5)).toEqual([['npm', 'ci'], ['npm', 'run', 'lint'], ['npm', 'test'], ['npm', 'run', 'test:e2e'], ['npm', 'run', 'test:chaos', '--', '--tasks', '2', '--kills', '4', '--gap-min-ms', '500', '--gap-max-ms', '1500', '--step-ms', '100']]);
    // Every npm script the quickstart and CI run exists, and every file its command names is in the repo.
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; bin: Record<string, string> };
    const run = [...quickstart.flatMap(commandsOf), ...ci].filter((argv) => argv[0] === 'npm' && (argv[1] === 'test' || argv[1] === 'run'));
    const names = run.map((argv) => (argv[1] === 'test' ? 'test' : (argv[2] as string)));
    expect(names).toEqual(expect.arrayContaining(['stage', 'test', 'lint', 'test:e2e']));
    for (const name of names) {
      const script = pkg.scripts[name];
      expect(script, `npm script "${name}"`).toBeTypeOf('string');
      for (const file of commandsOf(script as string).flat().filter((w) => /^(scripts|src|bin)\/.+\.[cm]?[jt]s$/.test(w))) {
        expect(existsSync(join(ROOT, file)), `npm script "${name}" runs ${file}`).toBe(true);
      }
    }
    expect(existsSync(join(ROOT, pkg.bin.orch as string)), `bin ${pkg.bin.orch}`).toBe(true);
  });

  it('every command under "Everyday commands" is a command the CLI has', async () => {
    const program = await buildProgram();
    for (const line of blockAfter('Everyday commands')) {
      const [npx, orch, name, sub] = shellCommands(line)[0] ?? [];
      expect([npx, orch]).toEqual(['npx', 'orch']);
      const command = program.commands.find((c) => c.name() === name);
      expect(command, line).toBeDefined();
      // A command with subcommands names one, unless it acts by itself (`orch alerts` lists, `orch alerts resolve ID` resolves).
      const actsAlone = sub === undefined || sub.startsWith('-');
      const hasAction = (command as unknown as { _actionHandler?: unknown } | undefined)?._actionHandler != null;
      if (command && command.commands.length > 0 && !(actsAlone && hasAction)) expect(command.commands.map((c) => c.name()), line).toContain(sub);
    }
  });
});

describe('bin/orch.js end to end', () => {
  let repo: TempRepo;
  let home: string;
  beforeAll(async () => {
    repo = await makeTempRepo();
    home = mkdtempSync(join(tmpdir(), 'orch-bin-'));
  });
  afterAll(() => {
    repo.cleanup();
    rmSync(home, { recursive: true, force: true });
  });
  const orch = (...args: string[]) =>
    execa(process.execPath, [join(ROOT, 'bin/orch.js'), ...args], { cwd: home, env: { ORCH_HOME: home }, reject: false, timeout: scaled(15_000) });

  it('task add, list and show work through the real bin', async () => {
    const added = await orch('task', 'add', '--repo', repo.dir, '--branch', repo.branch, '--title', 'Greet', '--json');
    expect(added.exitCode).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ task: { id: 1, stage: 'analysis' }, job: { agent: 'analyst' } });
    const list = await orch('task', 'list');
    expect(list).toMatchObject({ exitCode: 0, stderr: '' });
    expect(list.stdout.split('\n')[1]).toMatch(new RegExp(`^1\\s+${basename(repo.dir)}\\s+analysis\\s+active\\s+feature/change\\s+main\\s+Greet$`));
    const show = await orch('task', 'show', '1');
    expect(show.exitCode).toBe(0);
    expect(show.stdout).toContain('job 1 analyst on analysis (attempt 1): queued');
  });
});
