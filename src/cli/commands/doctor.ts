// `orch doctor [--repo DIR] [--json]`: is this machine ready to run orch? The store opens and
// passes PRAGMA integrity_check (SQLite) or a round trip (PostgreSQL), git is installed, the agent
// command's program can be found, and, with --repo, the staging suite's program can be found in
// that repository. Exit 0 when everything is fine, else 2 with one line per problem.
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.ts';
import { EXIT, ExitSignal } from '../exit.ts';
import { printJson, printLine } from '../context.ts';
import type { Register } from '../program.ts';

export const registerDoctor: Register = (program: Command) => {
  program
    .command('doctor')
    .description('check this machine: the store (full integrity check), git, the agent command, and with --repo the staging suite; exit 0, or 2 with one line per problem')
    .option('--repo <dir>', 'also check that the staging suite of this repository can be found')
    .option('--json', 'print the checks as JSON')
    .action(async (o: { repo?: string; json?: boolean }) => {
      const config = loadConfig();
      const { runDoctor } = await import('./doctor-checks.ts');
      const checks = await runDoctor(config, o.repo === undefined ? {} : { repo: o.repo });
      const problems = checks.filter((c) => !c.ok);
      if (o.json) printJson({ ok: problems.length === 0, checks });
      else for (const c of checks) if (c.ok) printLine(`ok    ${c.name}: ${c.message}`);
      if (problems.length === 0) return;
      if (!o.json) for (const c of problems) process.stderr.write(`orch doctor: ${c.name}: ${c.message}\n`);
      throw new ExitSignal(EXIT.usage);
    });
};
