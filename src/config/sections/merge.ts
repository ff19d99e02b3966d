// Keys of the merge gate and the coverage gate (ORCH-110, src/merge and src/coverage): the
// re-test, its timeout, the five kill-switches' own keys, the infra retry budget, the lock-busy
// output patterns, the push remote and the coverage minimum.
import { z } from 'zod';
import type { ConfigRule } from '../keys.ts';
import type { KeyDef } from '../define.ts';
import { bool, csv, int, seconds, str } from '../define.ts';
import { isCommandOrEmpty } from '../gate-command.ts';

/** Empty (the gate is off) or a percentage from 0 to 100. */
function optionalPercent(opts: { default: string; doc: string }): KeyDef<number | null> {
  const schema = z
    .string()
    .trim()
    .refine((v) => v === '' || (/^\d+(\.\d+)?$/.test(v) && Number(v) <= 100))
    .transform((v) => (v === '' ? null : Number(v)));
  return { ...opts, allowed: 'empty (gate off) or a percentage from 0 to 100', schema };
}

/** A remote name or URL for `git push`; never something git could read as an option. */
function remote(opts: { default: string; doc: string }): KeyDef<string> {
  const schema = z
    .string()
    .trim()
    .refine((v) => !v.startsWith('-') && !/[\s\0]/.test(v));
  return { ...opts, allowed: 'empty, or a git remote name or URL (no spaces, not starting with "-")', schema };
}

/** Empty (use the default) or a command line split with shell-word rules, run without a shell. */
function command(opts: { default: string; doc: string }): KeyDef<string> {
  const schema = z.string().trim().refine(isCommandOrEmpty);
  return { ...opts, allowed: 'empty, or a command with arguments (quotes allowed; no shell operators, globs, comments or $variables: it runs without a shell)', schema };
}

export const mergeKeys = {
  ORCH_MERGE_RETEST_CMD: command({
    default: '',
    doc: 'Command the merge gate re-runs on the rebased HEAD (shell words, no shell); empty = the staging suite.',
  }),
  ORCH_MERGE_RETEST_TIMEOUT_S: seconds({
    default: '900',
    doc: 'Seconds the re-test (and the coverage run) may take; must be below ORCH_REAPER_MAX_RUNNING_S minus ORCH_KILL_GRACE_S.',
    min: 0.1,
  }),
  ORCH_MERGE_CLASSIFY_ENABLED: bool({
    default: 'true',
    doc: 'Tell infra failures (timeout, lock-busy, other) from red re-tests; false = every failure is a code fault (rollback).',
  }),
  ORCH_MERGE_INFRA_RETRY_ENABLED: bool({
    default: 'true',
    doc: 'Re-queue the task on deploy-staging after an infra failure; false = infra failures roll back like red ones.',
  }),
  ORCH_MERGE_INFRA_RETRIES: int({
    default: '3',
    doc: 'Infra re-queues (merge and coverage gates) before one alert and the task blocked until `orch task retry`.',
    min: 0,
    max: 20,
  }),
  ORCH_MERGE_RETRY_BACKOFF_S: seconds({
    default: '60',
    doc: 'Delay before the first infra re-queue runs; doubles on each further one (at most 32 times this).',
    max: 24 * 3600,
  }),
  ORCH_MERGE_LOCK_WAIT_S: seconds({
    default: '300',
    doc: 'How long a merge gate waits for a busy merge lock (backoff up to 2 s) before leaving the task on deploy-staging to be re-checked; never spends the infra budget.',
    max: 24 * 3600,
  }),
  ORCH_MERGE_RETEST_SKIP_WHEN_CURRENT: bool({
    default: 'true',
    doc: 'Skip the re-test when the rebase was a proven no-op and HEAD is the validated commit; false = always re-test.',
  }),
  ORCH_MERGE_METRICS_ENABLED: bool({
    default: 'true',
    doc: 'Derive the merge_gate counters of GET /queue from the store; false = no counters.',
  }),
  ORCH_MERGE_LOCK_PATTERNS: csv({
    default: 'database is locked,EADDRINUSE,index.lock',
    doc: 'Text in a failed re-test\'s output that marks it lock-busy (infra) rather than red; plain substrings, case-sensitive.',
    allowed: 'a comma-separated list of substrings',
  }),
  ORCH_PUSH_REMOTE: remote({
    default: '',
    doc: 'Remote to push the base to after a merge, without force (a rejected push re-queues); empty = local only.',
  }),
  ORCH_COVERAGE_CMD: command({
    default: '',
    doc: 'Command that measures coverage in the task worktree and writes an Istanbul coverage-summary.json.',
  }),
  ORCH_COVERAGE_MIN: optionalPercent({
    default: '',
    doc: 'Minimum line coverage (percent) for testing -> deploy-staging; empty = the coverage gate is off.',
  }),
  ORCH_COVERAGE_SUMMARY: str({
    default: 'coverage/coverage-summary.json',
    doc: 'Where ORCH_COVERAGE_CMD writes its summary, relative to the task worktree.',
    nonEmpty: true,
  }),
} as const;

/** Cross-key checks; each message names every key involved. */
export const mergeRules: readonly ConfigRule[] = [
  {
    // The reaper must never take a re-test that is still within its own timeout for a dead job.
    keys: ['ORCH_MERGE_RETEST_TIMEOUT_S', 'ORCH_REAPER_MAX_RUNNING_S', 'ORCH_KILL_GRACE_S'],
    check: (c) => {
      const timeout = c.ORCH_MERGE_RETEST_TIMEOUT_S;
      const reaper = c.ORCH_REAPER_MAX_RUNNING_S;
      const grace = c.ORCH_KILL_GRACE_S;
      if (timeout < reaper - grace) return null;
      return `must be below ORCH_REAPER_MAX_RUNNING_S (${reaper}) minus ORCH_KILL_GRACE_S (${grace}) = ${reaper - grace}, so the reaper never takes a re-test that is still inside its own timeout`;
    },
  },
  {
    keys: ['ORCH_COVERAGE_CMD', 'ORCH_COVERAGE_MIN'],
    check: (c) =>
      c.ORCH_COVERAGE_MIN !== null && c.ORCH_COVERAGE_CMD === ''
        ? `a command is required while ORCH_COVERAGE_MIN is set (${String(c.ORCH_COVERAGE_MIN)}): the coverage gate needs one that writes the summary`
        : null,
  },
];
