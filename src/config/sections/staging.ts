// Keys of the staging runner (src/staging, SPEC §6): the kill-switch, the repo scope, THE staging
// suite (the deployer role card names the same key), its timeout and the infra-retry budget.
import { bool, csv, int, seconds, str, type KeyDef } from '../define.ts';
import { suiteCommandProblem } from '../suite-command.ts';
import { installCommandProblem } from '../suite-command.ts';
import { scopeEntryProblem } from '../repo-scope.ts';

/** A base builder with one more check; `problem` returns why a value is refused, or null. */
function refined<T>(def: KeyDef<T>, allowed: string, problem: (value: T) => string | null): KeyDef<T> {
  return { ...def, allowed, schema: def.schema.refine((value) => problem(value) === null) };
}

const REPOS_ALLOWED = 'a comma-separated list of repo names or paths, or * for every repo (an empty list: none)';
const SUITE_ALLOWED = 'empty (the repo\'s npm test) or a command line without shell operators, globs, comments or $variables';

const INSTALL_ALLOWED = 'empty (install from the lockfile), none (no install) or a command line without shell operators, globs, comments or $variables';

export const stagingKeys = {
  ORCH_STAGING_RUNNER_ENABLED: bool({
    default: 'true',
    doc: 'Run deploy-staging with the deterministic staging runner; false = the LLM deployer runs it, as before.',
  }),
  ORCH_STAGING_RUNNER_REPOS: refined(
    csv({ default: '*', doc: 'Repos the staging runner takes over: names or paths, comma-separated; * = all. Others keep the LLM deployer.' }),
    REPOS_ALLOWED,
    (entries) => entries.map(scopeEntryProblem).find((p) => p !== null) ?? null,
  ),
  ORCH_STAGING_SUITE_CMD: refined(
    str({ default: '', doc: "The staging suite, run without a shell in the task worktree; empty = the repo's npm test (package.json test script)." }),
    SUITE_ALLOWED,
    suiteCommandProblem,
  ),
  ORCH_STAGING_INSTALL_CMD: refined(
    str({
      default: '',
      doc: 'How the task worktree gets its dependencies before the staging suite and the re-test: empty = from the lockfile (npm ci, pnpm, yarn; none: npm install), cached under ORCH_HOME; none = no install; else a command line (no shell).',
    }),
    INSTALL_ALLOWED,
    installCommandProblem,
  ),
  ORCH_STAGING_INSTALL_TIMEOUT_S: seconds({
    default: '600',
    doc: 'Seconds the dependency install may run before its process tree is killed (a tool error: deferred, not a code fault).',
    min: 0.1,
    max: 86_400,
  }),
  ORCH_STAGING_RUNNER_TIMEOUT_S: seconds({
    default: '900',
    doc: 'Seconds the staging suite may run before its whole process tree is killed (a tool error: deferred, not a code fault).',
    min: 0.1,
    max: 86_400,
  }),
  ORCH_STAGING_RUNNER_INFRA_RETRIES: int({
    default: '3',
    doc: 'Deferred re-runs after a tool error (not found, not executable, timeout, signal) before failing closed with one alert.',
    min: 0,
    max: 10,
  }),
  ORCH_STAGING_RUNNER_RETRY_BACKOFF_S: seconds({
    default: '30',
    doc: 'Delay before the first infra re-run; it doubles with each further one (at most 32 times this value, the one backoff cap).',
    max: 3_600,
  }),
} as const;
