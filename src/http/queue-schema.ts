// THE shape of GET /queue: one zod schema, the single source of the response's keys. readQueue is
// typed by it, a test parses real responses with it (strict: an extra key fails), and
// docs/http.md's orch:http-queue block is derived from QUEUE_FIELDS (npx orch drift), so a key
// cannot be added, renamed or dropped without the docs following.
import { z } from 'zod';

const count = z.number().int().min(0);
const counts = (what: string) => z.record(z.string(), count).describe(what);
const iso = z.string();
const isoOrNull = iso.nullable();

const runningJob = z
  .object({
    job_id: z.number().int().describe('the job row'),
    task_id: z.number().int().describe('its task'),
    repo: z.string().describe("the task's repository (work tree folder)"),
    branch: z.string().describe("the task's branch"),
    stage: z.string().describe('the stage the job works on'),
    agent: z.string().describe('who runs it: an LLM role, a reserved agent, or merge-gate during the merge re-test'),
    phase: z.enum(['agent', 'merge-gate']).describe('agent: the job holds a worker lease; merge-gate: its run ended and the merge gate re-tests the branch under the repo lock'),
    attempt: z.number().int().describe('the job row attempt (verdict re-runs)'),
    started_at: isoOrNull.describe('when the run (or the merge lock) started'),
    lease_owner: z.string().nullable().describe('the worker (or merge-lock holder) running it'),
    lease_expires_at: isoOrNull.describe('when the lease (or the lock) lapses unless renewed'),
    pid: z.number().int().nullable().describe('the process group leader, when known'),
    log_path: z.string().nullable().describe('the log the run writes, when known'),
    reaps: count.describe('times the job was reaped for a dead worker or a lost lease (never a failed attempt; ORCH_JOB_MAX_REAPS bounds it)'),
  })
  .strict();

const deferredJob = z
  .object({
    job_id: z.number().int().describe('the job row'),
    task_id: z.number().int().describe('its task'),
    repo: z.string().describe("the task's repository"),
    branch: z.string().describe("the task's branch"),
    stage: z.string().describe('the stage it waits on'),
    agent: z.string().describe('who will run it'),
    attempt: z.number().int().describe('the job row attempt'),
    infra_attempts: count.describe('infra re-runs spent so far'),
    not_before: isoOrNull.describe('the earliest instant a worker may claim it'),
    cause: z.string().nullable().describe('why it waits: the reason of the run that deferred, or the gate check that re-queued it'),
    reaps: count.describe('times the job was reaped for a dead worker or a lost lease'),
  })
  .strict();

const mergeLock = z
  .object({
    repo: z.string().describe('the repository the lock serialises merges into'),
    holder: z.string().describe('who holds it (one merge gate attempt)'),
    task_id: z.number().int().nullable().describe('the task being merged'),
    since: iso.describe('when it was taken'),
    expires_at: iso.describe('when it lapses if its holder never releases it'),
  })
  .strict();

const alert = z
  .object({
    id: z.number().int().describe('the alert row (`orch alerts resolve ID`)'),
    task_id: z.number().int().nullable().describe('the task it is about, or null for the machine (a missing agent command)'),
    kind: z.string().describe('what happened: job-failed, staging-infra-exhausted, agent-command-not-found, ...'),
    message: z.string().describe('one line for the operator, naming what to do'),
    detail: z.unknown().describe('facts recorded with it (JSON), or null'),
    created_at: iso.describe('when it was raised'),
    resolved_at: isoOrNull.describe('when an operator resolved it, or null while open'),
  })
  .strict();

/** A deterministic suite runner's block (staging, testing): one shape, the keys and role it reads named. */
function suiteRunner(d: { enabled: string; suite: string; timeout: string; llmRole: string; what: string }) {
  return z
    .object({
      enabled: z.boolean().describe(d.enabled),
      repos: z.array(z.string()).describe('ORCH_STAGING_RUNNER_REPOS'),
      suite_cmd: z.string().nullable().describe(d.suite),
      timeout_s: z.number().describe(d.timeout),
      infra_retries: z.number().int().describe('ORCH_STAGING_RUNNER_INFRA_RETRIES'),
      retry_backoff_s: z.number().describe('ORCH_STAGING_RUNNER_RETRY_BACKOFF_S'),
      runs: count.describe('runs that reached an outcome: passed + failed + tool_errors + fallbacks'),
      passed: count.describe('suites that passed'),
      failed: count.describe('suites that failed (a code fault: rollback)'),
      tool_errors: count.describe('suites that could not run or finish: deferred + exhausted'),
      deferred: count.describe('tool errors re-queued with backoff'),
      exhausted: count.describe('tool errors that spent the infra budget and failed closed'),
      fallbacks: count.describe(`internal errors that handed the job to the LLM ${d.llmRole}`),
    })
    .strict()
    .describe(d.what);
}

export const QueueResponse = z
  .object({
    generated_at: iso.describe('when the snapshot was read (ISO-8601 UTC); every block describes this moment'),
    queue: z
      .object({
        tasks: z
          .object({
            by_state: counts('tasks per state (every state present, zero when empty)'),
            by_substate: counts('tasks per substate: mergeable (staged without --merge, waiting for an explicit merge), cancelled'),
            open_by_stage: counts('tasks that are not done, per stage'),
          })
          .strict()
          .describe('task counts'),
        jobs: z
          .object({
            by_state: counts('jobs per state: queued, running, succeeded, failed, deferred, cancelled'),
            pending_by_stage: counts('queued, running and deferred jobs, per stage'),
            reaps: count.describe('reaps of all jobs for a dead worker or a lost lease (never counted as failed attempts; see ORCH_JOB_MAX_REAPS)'),
          })
          .strict()
          .describe('job counts'),
      })
      .strict()
      .describe('counts of tasks and jobs'),
    running: z.array(runningJob).describe('what runs now: jobs under a worker lease, and tasks whose merge gate re-tests under the repo lock'),
    deferred: z.array(deferredJob).describe('deferred jobs, soonest first'),
    merge_locks: z.array(mergeLock).describe('merge locks held now, one per repository'),
    staging_runner: suiteRunner({
      enabled: 'ORCH_STAGING_RUNNER_ENABLED',
      suite: 'ORCH_STAGING_SUITE_CMD (secrets masked), null for the repo npm test',
      timeout: 'ORCH_STAGING_RUNNER_TIMEOUT_S',
      llmRole: 'deployer',
      what: 'the deterministic staging runner: settings in force and counters (docs/architecture/staging-runner.md)',
    }),
    test_runner: suiteRunner({
      enabled: 'ORCH_TEST_RUNNER_ENABLED',
      suite: 'the test suite run: ORCH_TEST_SUITE_CMD, else ORCH_STAGING_SUITE_CMD (secrets masked); null for the repo npm test',
      timeout: 'ORCH_TEST_RUNNER_TIMEOUT_S',
      llmRole: 'tester',
      what: 'the deterministic test runner of the testing stage: settings in force and counters (docs/architecture/test-runner.md)',
    }),
    budget: z
      .object({
        task_budget_usd: z.number().nullable().describe('ORCH_TASK_BUDGET_USD, null when there is none'),
        blocked: z
          .array(
            z
              .object({
                task_id: z.number().int().describe('the task the budget blocked'),
                repo: z.string().describe("the task's repository"),
                branch: z.string().describe("the task's branch"),
                stage: z.string().describe('the stage whose LLM run did not start'),
                reason: z.string().describe('always budget'),
                spent_usd: z.number().describe("the task's recorded LLM cost"),
                blocked_reason: z.string().nullable().describe('the full reason: the estimate, the spend and the budget'),
                blocked_at: iso.describe('when it was blocked'),
              })
              .strict(),
          )
          .describe('tasks blocked by their LLM budget'),
      })
      .strict()
      .describe('the per-task LLM budget (docs/architecture/launcher.md)'),
    merge_gate: z
      .object({
        switches: z
          .object({
            tree_kill: z.boolean().describe('ORCH_SUBPROCESS_TREE_KILL_ENABLED'),
            classify: z.boolean().describe('ORCH_MERGE_CLASSIFY_ENABLED'),
            infra_retry: z.boolean().describe('ORCH_MERGE_INFRA_RETRY_ENABLED'),
            skip_when_current: z.boolean().describe('ORCH_MERGE_RETEST_SKIP_WHEN_CURRENT'),
            metrics: z.boolean().describe('ORCH_MERGE_METRICS_ENABLED'),
          })
          .strict()
          .describe('the five kill-switches'),
        retest_timeout_s: z.number().describe('ORCH_MERGE_RETEST_TIMEOUT_S'),
        infra_retries: z.number().int().describe('ORCH_MERGE_INFRA_RETRIES'),
        retry_backoff_s: z.number().describe('ORCH_MERGE_RETRY_BACKOFF_S'),
        push_remote: z.string().nullable().describe('ORCH_PUSH_REMOTE, null to merge locally only'),
        counters: z
          .object({
            retests: count.describe('re-tests run'),
            skipped: count.describe('re-tests skipped (branch already current)'),
            passed: count.describe('attempts that passed'),
            red: count.describe('re-tests that failed: a code fault'),
            timeout: count.describe('re-tests that timed out'),
            lock_busy: count.describe('attempts that found the lock held'),
            other: count.describe('attempts that failed for another reason'),
            infra_retries: count.describe('infra re-queues'),
            exhausted: count.describe('infra budgets spent'),
            merged: count.describe('branches merged into their base'),
            rollbacks: count.describe('failed attempts that rolled the task back'),
            lock_waits: count.describe('attempts that waited for a busy merge lock (ORCH_MERGE_LOCK_WAIT_S; no infra budget spent)'),
            lock_wait_ms: count.describe('milliseconds spent waiting for merge locks'),
            locks_broken: count.describe('merge locks of dead holders on this host broken'),
          })
          .strict()
          .nullable()
          .describe('from the check_branch_mergeable gate results; null when ORCH_MERGE_METRICS_ENABLED=false'),
      })
      .strict()
      .describe('the merge gate: settings in force and counters (docs/architecture/merge-gate.md)'),
    alerts: z
      .object({
        open: count.describe('alerts not resolved'),
        total: count.describe('every alert ever raised'),
        recent: z.array(alert).describe('the 20 most recent alerts, newest first'),
      })
      .strict()
      .describe('alerts raised by jobs and gates'),
  })
  .strict();

export type QueueSnapshot = z.infer<typeof QueueResponse>;
export type RunningEntry = z.infer<typeof runningJob>;
export type DeferredEntry = z.infer<typeof deferredJob>;
export type MergeLockEntry = z.infer<typeof mergeLock>;
export type AlertEntry = z.infer<typeof alert>;

/** One documented key of the response: its dotted path (`[]` marks list items), its type and its doc. */
export interface QueueField {
  readonly key: string;
  readonly type: string;
  readonly doc: string;
}

interface JsonSchema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  enum?: unknown[];
}

function typeOf(s: JsonSchema): { type: string; inner: JsonSchema } {
  if (s.anyOf) {
    const real = s.anyOf.filter((x) => x.type !== 'null');
    const nullable = real.length < s.anyOf.length;
    const one = real[0] ?? {};
    const t = typeOf(one);
    return { type: `${t.type}${nullable ? ' | null' : ''}`, inner: t.inner };
  }
  if (s.enum) return { type: s.enum.map((v) => JSON.stringify(v)).join(' | '), inner: s };
  const types = Array.isArray(s.type) ? s.type : s.type === undefined ? ['any'] : [s.type];
  const nullable = types.includes('null');
  let base = types.filter((t) => t !== 'null').join(' | ') || 'any';
  if (base === 'object' && !s.properties && typeof s.additionalProperties === 'object') base = `map of ${typeOf(s.additionalProperties).type}`;
  if (base === 'array' && s.items) base = s.items.properties ? 'list' : `list of ${typeOf(s.items).type}`;
  return { type: `${base}${nullable ? ' | null' : ''}`, inner: s };
}

function walk(s: JsonSchema, path: string, out: QueueField[]): void {
  const props = s.anyOf ? s.anyOf.find((x) => x.properties)?.properties : s.properties;
  const items = s.anyOf ? s.anyOf.find((x) => x.items)?.items : s.items;
  for (const [name, child] of Object.entries(props ?? {})) {
    const key = path === '' ? name : `${path}.${name}`;
    out.push({ key, type: typeOf(child).type, doc: child.description ?? (child.anyOf?.find((x) => x.description)?.description ?? '') });
    walk(child, key, out);
  }
  if (items?.properties) walk(items, `${path}[]`, out);
}

/** Every key of the response, in schema order: what docs/http.md's orch:http-queue block lists. */
export function queueFields(schema: z.ZodType = QueueResponse): QueueField[] {
  const out: QueueField[] = [];
  walk(z.toJSONSchema(schema, { unrepresentable: 'any' }) as JsonSchema, '', out);
  return out;
}

export const QUEUE_FIELDS: readonly QueueField[] = Object.freeze(queueFields());
