// The README quickstart, run as written on a fresh clone of this repository (too slow for
// npm test: it runs orch's whole suite inside `orch stage`). The clone is made from the current
// commit; `npm ci` is replaced by a link to this checkout's node_modules (same lockfile, and no
// network or native rebuild needed), every other command runs exactly as the README says.
// Prints JSON and a Markdown table. Usage: tsx scripts/bench/quickstart.ts
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import type { Code, Heading, Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { parse as parseShell } from 'shell-quote';
import { visit } from 'unist-util-visit';
import { NESTED_MARK } from '../../src/stage/guard.ts';

const ROOT = resolve(import.meta.dirname, '../..');

function quickstartLines(): string[] {
  const tree: Root = fromMarkdown(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  const text = (h: Heading) => {
    const parts: string[] = [];
    visit(h, 'text', (t) => void parts.push(t.value));
    return parts.join('');
  };
  const at = tree.children.findIndex((n) => n.type === 'heading' && text(n) === 'Quickstart');
  const code = tree.children.slice(at + 1).find((n): n is Code => n.type === 'code');
  if (at < 0 || !code) throw new Error('README has no Quickstart code block');
  return code.value.split('\n').filter((l) => l.trim() !== '');
}

/** `a && b && c` -> [[a...], [b...], [c...]]; anything but && is refused (no shell here). */
function chain(line: string): string[][] {
  const out: string[][] = [[]];
  for (const token of parseShell(line)) {
    if (typeof token === 'string') out[out.length - 1]?.push(token);
    else if ('op' in token && token.op === '&&') out.push([]);
    else throw new Error(`quickstart line uses shell syntax this bench does not run: ${line}`);
  }
  return out;
}

const clone = mkdtempSync(join(tmpdir(), 'orch-quickstart-'));
const rows: Array<{ command: string; exitCode: number | undefined; seconds: number; tail: string }> = [];
try {
  await execa('git', ['clone', '--quiet', ROOT, join(clone, 'orch')]);
  const cwd = join(clone, 'orch');
  // A fresh clone of the project has `main` checked out; here main is the commit under test.
  await execa('git', ['-C', cwd, 'checkout', '--quiet', '-B', 'main']);
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env[NESTED_MARK];
  for (const key of Object.keys(env)) if (key.startsWith('ORCH_')) delete env[key];
  // Only the first line: the second (`npm test`) is what npm test itself already checks.
  for (const argv of chain(quickstartLines()[0] ?? '')) {
    const command = argv.join(' ');
    const t0 = performance.now();
    if (command === 'npm ci') {
      symlinkSync(join(ROOT, 'node_modules'), join(cwd, 'node_modules'));
      rows.push({ command: 'npm ci (linked node_modules)', exitCode: 0, seconds: 0, tail: '' });
      continue;
    }
    // orch-inventory-ignore: runs the README's quickstart commands (git, npm), never an agent
    const run = await execa(argv[0] as string, argv.slice(1), { cwd, env, extendEnv: false, reject: false, all: true, timeout: 20 * 60_000 });
    const tail = String(run.all ?? '').trim().split('\n').slice(-3).join(' | ');
    rows.push({ command, exitCode: run.exitCode, seconds: Number(((performance.now() - t0) / 1000).toFixed(1)), tail });
    if (run.exitCode !== 0) break;
  }
} finally {
  rmSync(clone, { recursive: true, force: true });
}
const ok = rows.length > 0 && rows.every((r) => r.exitCode === 0);
process.stdout.write(`${JSON.stringify({ bench: 'quickstart', ok, rows }, null, 2)}\n\n`);
process.stdout.write(['| command | exit | seconds | last lines |', '|---|---|---|---|', ...rows.map((r) => `| \`${r.command}\` | ${r.exitCode} | ${r.seconds} | ${r.tail.replace(/\|/g, '\\|').slice(0, 160)} |`)].join('\n') + '\n');
if (!ok) process.exitCode = 1;
