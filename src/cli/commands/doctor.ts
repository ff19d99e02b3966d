// `orch doctor [--repo DIR] [--json]`: is this machine ready to run orch? The store opens and
// passes PRAGMA integrity_check (SQLite) or a round trip (PostgreSQL), git is installed, the agent
// command's program can be found, and, with --repo, the staging suite's program can be found in
// that repository. Exit 0 when everything is fine, else 2 with one line per problem.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { execa } from 'execa';
import { loadConfig } from '../../config/load.ts';
import type { Config } from '../../config/keys.ts';
import { errorMessage } from '../../errors.ts';
import { findProgram } from '../../proc/find-program.ts';
import { resolveSuiteCommand } from '../../config/suite-command.ts';
import { openStore } from '../../store/db.ts';
import { EXIT, ExitSignal } from '../exit.ts';
import { printJson, printLine } from '../context.ts';
import type { Register } from '../program.ts';

export interface DoctorCheck {
  readonly name: 'store' | 'git' | 'agent' | 'suite';
  readonly ok: boolean;
  /** What was found (ok) or what is wrong and what to do (not ok): one line. */
  readonly message: string;
}

async function checkStore(config: Config): Promise<DoctorCheck> {
  try {
    const store = await openStore(config, { check: 'full' });
    try {
      // PostgreSQL: the open already answered `select 1`; one more read proves the schema is there.
      await store.db.selectFrom('tasks').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    } finally {
      await store.close();
    }
    return { name: 'store', ok: true, message: `${store.dialect} ${store.location}: opens, ${store.dialect === 'sqlite' ? 'PRAGMA integrity_check ok' : 'round trip ok'}` };
  } catch (error) {
    return { name: 'store', ok: false, message: errorMessage(error) };
  }
}

async function checkGit(): Promise<DoctorCheck> {
  const git = findProgram('git');
  if (git === null) return { name: 'git', ok: false, message: 'git not found in PATH: install git (orch works on git repositories)' };
  const r = await execa('git', ['--version'], { reject: false, timeout: 10_000 });
  if (r.exitCode !== 0) return { name: 'git', ok: false, message: `${git} --version exited ${r.exitCode}: ${String(r.stderr).split('\n')[0]}` };
  return { name: 'git', ok: true, message: `${String(r.stdout).trim()} (${git})` };
}

function checkAgent(config: Config): DoctorCheck {
  const program = config.ORCH_AGENT_CMD[0] ?? '';
  const found = findProgram(program);
  return found === null
    ? { name: 'agent', ok: false, message: `agent command not found: ${program} (ORCH_AGENT_CMD=${config.ORCH_AGENT_CMD.join(' ')}); install it or set ORCH_AGENT_CMD` }
    : { name: 'agent', ok: true, message: `${program} found at ${found}` };
}

function checkSuite(config: Config, repo: string): DoctorCheck {
  let suite;
  try {
    suite = resolveSuiteCommand(config.ORCH_STAGING_SUITE_CMD, repo);
  } catch (error) {
    return { name: 'suite', ok: false, message: errorMessage(error) };
  }
  if (suite === null) return { name: 'suite', ok: false, message: `no staging suite for ${repo}: ORCH_STAGING_SUITE_CMD is empty and its package.json has no test script` };
  const program = suite.argv[0] as string;
  const found = findProgram(program, { cwd: repo });
  const from = suite.source === 'package.json' ? `npm test from ${repo}/package.json` : `ORCH_STAGING_SUITE_CMD=${suite.argv.join(' ')}`;
  return found === null ? { name: 'suite', ok: false, message: `staging suite program not found: ${program} (${from}) in ${repo}` } : { name: 'suite', ok: true, message: `${program} found at ${found} (${from})` };
}

/** Every check, in order; none throws. */
export async function runDoctor(config: Config, options: { repo?: string } = {}): Promise<DoctorCheck[]> {
  const checks = [await checkStore(config), await checkGit(), checkAgent(config)];
  if (options.repo !== undefined) checks.push(checkSuite(config, resolve(options.repo)));
  return checks;
}

export const registerDoctor: Register = (program: Command) => {
  program
    .command('doctor')
    .description('check this machine: the store (full integrity check), git, the agent command, and with --repo the staging suite; exit 0, or 2 with one line per problem')
    .option('--repo <dir>', 'also check that the staging suite of this repository can be found')
    .option('--json', 'print the checks as JSON')
    .action(async (o: { repo?: string; json?: boolean }) => {
      const config = loadConfig();
      const checks = await runDoctor(config, o.repo === undefined ? {} : { repo: o.repo });
      const problems = checks.filter((c) => !c.ok);
      if (o.json) printJson({ ok: problems.length === 0, checks });
      else for (const c of checks) if (c.ok) printLine(`ok    ${c.name}: ${c.message}`);
      if (problems.length === 0) return;
      if (!o.json) for (const c of problems) process.stderr.write(`orch doctor: ${c.name}: ${c.message}\n`);
      throw new ExitSignal(EXIT.usage);
    });
};
