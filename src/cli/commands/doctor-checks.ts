// The checks of `orch doctor` (commands/doctor.ts), loaded only when doctor runs: they open the
// store and start git, and every other CLI start (help included) should not load what they need.
import { resolve } from 'node:path';
import { execa } from 'execa';
import type { Config } from '../../config/keys.ts';
import { errorMessage } from '../../errors.ts';
import { findProgram } from '../../proc/find-program.ts';
import { resolveSuiteCommand } from '../../config/suite-command.ts';
import { openStore } from '../../store/db.ts';

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
