// Keys of the test runner (src/test-runner, issue 17): the kill-switch, THE test suite (empty: the
// staging suite's command) and its timeout. It shares the staging runner's repo scope and infra
// budget (ORCH_STAGING_RUNNER_REPOS, _INFRA_RETRIES, _RETRY_BACKOFF_S): the same machinery.
// Also shadow mode (src/shadow): which LLM roles run in shadow next to their deterministic candidate.
import { bool, csv, seconds, str, type KeyDef } from '../define.ts';
import { SHADOW_PAIRS } from '../../core/shadow-pairs.ts';
import { suiteCommandProblem } from '../suite-command.ts';

const SUITE_ALLOWED = "empty (the staging suite's command) or a command line without shell operators, globs, comments or $variables";

function suite(def: KeyDef<string>): KeyDef<string> {
  return { ...def, allowed: SUITE_ALLOWED, schema: def.schema.refine((value) => suiteCommandProblem(value) === null) };
}

export const testingKeys = {
  ORCH_TEST_RUNNER_ENABLED: bool({
    default: 'true',
    doc: 'Run the testing stage with the deterministic test runner (repos in ORCH_STAGING_RUNNER_REPOS); false = the LLM tester runs it.',
  }),
  ORCH_TEST_SUITE_CMD: suite(
    str({ default: '', doc: "The test suite, run without a shell in the task worktree; empty = the staging suite's command (ORCH_STAGING_SUITE_CMD, else npm test)." }),
  ),
  ORCH_TEST_RUNNER_TIMEOUT_S: seconds({
    default: '900',
    doc: 'Seconds the test suite may run before its whole process tree is killed (a tool error: deferred, not a code fault).',
    min: 0.1,
    max: 86_400,
  }),
  ORCH_SHADOW_ROLES: (() => {
    const base = csv({ default: '', doc: 'LLM roles run in shadow next to their deterministic candidate (never gating, never committing); both verdicts go to shadow_runs. Empty = none.' });
    const roles = SHADOW_PAIRS.map((p) => p.role);
    return { ...base, allowed: `empty, or a comma-separated list of ${roles.join(', ')} (the LLM roles that have a deterministic candidate)`, schema: base.schema.refine((list) => list.every((r) => roles.includes(r))) };
  })(),
} as const;
