// The merge gate (SPEC §7), never-raise, in two steps. The evaluation takes the repo's merge lock,
// rebases the task branch onto the base in the task worktree (detached: no branch moves), skips
// or runs the re-test, classifies a failure and, on a pass, PLANS the ref moves; it moves no ref.
// The apply step then runs the plan under the same lock: the base by fast-forward /
// compare-and-swap (after a push without force when configured), and releases the lock. Before
// the first ref moves it writes the merge's intent to the store; the intent goes with the
// attempt's record (`settle`), so a worker killed in between leaves it for the next evaluation,
// which reads it first and records the merge it finds done (core/merge-intent.ts).
// Every path ends in a MergeAttempt; routing it is merge-route.ts's job.
import type { Config } from '../config/keys.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../errors.ts';
import { branchHead } from '../git/repo.ts';
import type { Store } from '../store/db.ts';
import type { Db } from '../store/tx.ts';
import { deleteMergeIntent, findMergeIntent, writeMergeIntent } from '../store/repos/merge-intents.ts';
import { concludeRecovery, decideIntent, planRecovery, type IntentFacts } from '../core/merge-intent.ts';
import type { Task } from '../store/schema.ts';
import { ensureTaskWorktree } from '../worktree/ensure.ts';
import { applyMergePlan } from './apply-merge.ts';
import { summarizeRun } from './run-summary.ts';
import { emptyAttempt, type Classification, type FailureSource, type MergeAttempt } from '../core/merge-attempt.ts';
import { concludeMerge, type PlannedMerge } from '../core/merge-conclude.ts';
import { classifyRetestFailure, retestPassed } from '../core/retest-classify.ts';
import { checkoutsOf, isAncestor } from './git-facts.ts';
import { killTree } from '../proc/index.ts';
import { holderIsDead, lockMarker, mergeLockFor, type LockAttempt, type MergeLock } from './lock.ts';
import { lockWaitDelayMs } from '../core/lock-wait.ts';
import { resolveMergeGateOptions, type MergeGateOptions, type ResolvedMergeGateOptions } from './options.ts';
import { planMerge, type MergeStep } from '../core/merge-plan.ts';
import { rebaseOntoBase } from './rebase.ts';
import { runRetest } from './retest.ts';
import { depsOptionsFromConfig, describeDeps, prepareDependencies } from '../staging/deps.ts';
import { decideRetestSkip } from '../core/retest-skip.ts';

export interface MergeGateDeps {
  readonly store: Store;
  readonly config: Config;
  /** @default mergeLockFor(store): an advisory lock on PostgreSQL, the merge_locks row on SQLite */
  readonly lock?: MergeLock;
  /** @default setTimeout: how the gate waits between asks of a busy lock (tests inject a clock). */
  readonly sleep?: (ms: number) => Promise<unknown>;
  /** @default performance.now */
  readonly now?: () => number;
}

type GateTask = Pick<Task, 'id' | 'repo' | 'branch' | 'base' | 'validated_sha'>;

/** What the evaluation leaves: a finished attempt, or a merge it planned, to perform or discard. */
export type MergeGateEvaluation =
  | { readonly kind: 'decided'; readonly attempt: MergeAttempt }
  | {
      readonly kind: 'merge';
      /** The ref moves planned, in words. */
      readonly summary: string;
      /** Run the plan under the lock still held, then release it; never throws. */
      readonly perform: () => Promise<MergeAttempt>;
      /** Release the lock without moving anything. */
      readonly discard: () => Promise<void>;
      /** In the transaction that records the attempt: its intent goes with the record. */
      readonly settle: (db: Db) => Promise<void>;
    };

/** A merge the evaluation planned under the lock: the plan's steps and what they conclude from. */
interface PendingMerge {
  readonly kind: 'merge';
  readonly planned: PlannedMerge;
  readonly steps: readonly MergeStep[];
  /** Set when an earlier attempt's intent showed its merge done: only the branch may still move. */
  readonly recovering: IntentFacts | null;
}

type Evaluated = { readonly kind: 'decided'; readonly attempt: MergeAttempt } | PendingMerge;

function gateError(opts: ResolvedMergeGateOptions | null, error: unknown): MergeAttempt {
  return { ...emptyAttempt(opts?.switches.classify ?? true), source: 'gate', failure: 'gate-error', reason: `merge gate error: ${errorMessage(error)}` };
}

/** Evaluate the merge gate for `task`: everything up to the merge plan, moving no ref. Never throws. */
export async function evaluateMergeGate(deps: MergeGateDeps, task: GateTask, options: MergeGateOptions = {}): Promise<MergeGateEvaluation> {
  const t0 = performance.now();
  const timed = (attempt: MergeAttempt): MergeAttempt => ({ ...attempt, durationMs: Math.round(performance.now() - t0) });
  let opts: ResolvedMergeGateOptions | null = null;
  try {
    opts = resolveMergeGateOptions(deps.config, task.id, options);
    const resolved = opts;
    const ev = await lockedEvaluation(deps, task, resolved);
    if (ev.kind === 'decided') return { kind: 'decided', attempt: timed(ev.attempt) };
    return { ...ev, perform: async () => timed(await ev.perform().catch((error: unknown) => gateError(resolved, error))) };
  } catch (error) {
    return { kind: 'decided', attempt: timed(gateError(opts, error)) };
  }
}

/**
 * Run the merge gate for `task`, evaluation and apply at once; always resolves to an attempt. It
 * records nothing in the pipeline's history, so the intent is settled as soon as the refs moved.
 */
export async function runMergeGate(deps: MergeGateDeps, task: GateTask, options: MergeGateOptions = {}): Promise<MergeAttempt> {
  const ev = await evaluateMergeGate(deps, task, options);
  if (ev.kind === 'decided') return ev.attempt;
  const attempt = await ev.perform();
  await ev.settle(deps.store.db);
  return attempt;
}

/**
 * The apply step: write the intent (when the base or the remote is to move), run the planned
 * steps, read the base again, conclude (pure). A merge that moved no base drops its intent now;
 * a merged one keeps it until its record is written (settle).
 */
async function performMerge(store: Store, task: GateTask, pending: PendingMerge): Promise<MergeAttempt> {
  const { planned, recovering } = pending;
  const movesBase = pending.steps.some((s) => s.role !== 'branch');
  if (movesBase) await writeMergeIntent(store.db, { taskId: task.id, base: planned.base, baseOld: planned.baseOld, plannedSha: planned.testedHead });
  const results = await applyMergePlan(task.repo, pending.steps, `orch: merge task ${task.id} (${task.branch}) into ${task.base}`);
  const steps = results.map((r) => ({ ok: r.ok, role: r.step.role, failure: r.failure, message: r.message }));
  const baseAfter = await branchHead(task.repo, task.base);
  if (recovering) return concludeRecovery(planned.attempt, recovering, planned.notes, steps, baseAfter);
  const attempt = concludeMerge(planned, steps, baseAfter);
  if (movesBase && !attempt.merged) await deleteMergeIntent(store.db, task.id, planned.testedHead);
  return attempt;
}

async function lockedEvaluation(deps: MergeGateDeps, task: GateTask, opts: ResolvedMergeGateOptions): Promise<MergeGateEvaluation> {
  const lock = deps.lock ?? mergeLockFor(deps.store);
  const wait = deps.sleep ?? ((ms: number) => sleep(ms));
  const now = deps.now ?? (() => performance.now());
  // Waiting for the lock is not a fault: ask again with backoff until ORCH_MERGE_LOCK_WAIT_S.
  const t0 = now();
  let waits = 0;
  let got: LockAttempt = await lock.acquire(task.repo, task.id, opts.lockTtlMs);
  while (!got.acquired) {
    // Held by a gate of this very task (the worker that finished its job, while a sweep looks):
    // that evaluation decides; this one steps aside at once.
    if (got.heldBy?.taskId === task.id) break;
    const remaining = opts.lockWaitMs - (now() - t0);
    if (remaining <= 0) break;
    waits++;
    await wait(lockWaitDelayMs(waits, remaining, Math.random()));
    got = await lock.acquire(task.repo, task.id, opts.lockTtlMs);
  }
  const lockWait = waits > 0 ? { waits, ms: Math.round(now() - t0) } : null;
  if (!got.acquired) {
    const by = got.heldBy ? `${got.heldBy.holder} until ${got.heldBy.expiresAt}` : 'another holder';
    return { kind: 'decided', attempt: { ...emptyAttempt(opts.switches.classify), lockWait, classification: 'lock-busy', source: 'merge-lock', reason: `the merge lock of ${task.repo} is held by ${by} (waited ${Math.round((lockWait?.ms ?? 0) / 1000)} s)` } };
  }
  const lease = got.lease;
  // A lease we fail to release lapses at its expiry; it must not replace the attempt's outcome.
  const release = async (): Promise<void> => {
    await lock.release(lease).catch(() => false);
  };
  let handedOver = false;
  try {
    // A dead holder's lock was broken: what its gate left running (its re-test tree) dies now.
    let lockBroken = got.broken ? { ...got.broken, killed: 0 } : null;
    if (got.broken && holderIsDead(got.broken.holder)) {
      const m = lockMarker(got.broken.holder);
      const report = await killTree({ rootPid: -1, rootStartTime: 0, marker: Buffer.from(`${m.name}=${m.value}`) }, { graceMs: opts.graceMs }).catch(() => ({ killed: 0 }));
      lockBroken = { ...got.broken, killed: report.killed };
    }
    const m = lockMarker(lease.holder);
    const ev = await underLock(deps, task, opts, { [m.name]: m.value });
    if (ev.kind === 'decided') return { kind: 'decided', attempt: { ...ev.attempt, lockWait, lockBroken } };
    // The lock now belongs to the apply step (or to discard): the base moves under it.
    handedOver = true;
    // One of perform or discard, once: the lock is released by whichever comes first, and a
    // merge is never performed after its lock was let go (or performed twice).
    let settled: 'performed' | 'discarded' | null = null;
    return {
      kind: 'merge',
      summary: ev.steps.length === 0 ? `nothing to move: ${task.base} and ${task.branch} are at ${ev.planned.testedHead.slice(0, 12)}` : ev.steps.map(describeStep).join('; '),
      perform: async () => {
        if (settled !== null) throw new Error(`the merge of task ${task.id} was already ${settled}: a planned merge is performed at most once, and never after it was discarded`);
        settled = 'performed';
        try {
          return { ...(await performMerge(deps.store, task, ev)), lockWait, lockBroken };
        } finally {
          await release();
        }
      },
      discard: async () => {
        if (settled !== null) return;
        settled = 'discarded';
        await release();
      },
      settle: async (db: Db) => {
        await deleteMergeIntent(db, task.id, ev.planned.testedHead);
      },
    };
  } finally {
    if (!handedOver) await release();
  }
}

function describeStep(step: MergeStep): string {
  const to = step.sha.slice(0, 12);
  if (step.kind === 'push') return `push ${to} to ${step.remote} ${step.ref}`;
  if (step.kind === 'fast-forward') return `fast-forward ${step.ref} in ${step.worktree} to ${to}`;
  return `move ${step.ref} ${step.expectOld.slice(0, 12)} -> ${to}`;
}

/** Under the lock: rebase, re-test, plan. Decided (a failure, or mergeable without --merge) or a merge to perform. */
async function underLock(deps: MergeGateDeps, task: GateTask, opts: ResolvedMergeGateOptions, marker: Readonly<Record<string, string>>): Promise<Evaluated> {
  const { config } = deps;
  let a: MergeAttempt = emptyAttempt(opts.switches.classify);
  const end = (classification: Classification, source: FailureSource | null, reason: string, failure: string | null = null): Evaluated => ({ kind: 'decided', attempt: { ...a, classification, source, reason, failure } });

  // The intent of an earlier attempt first: its merge may be done and unrecorded.
  const recovered = await readIntent(deps, task, a);
  if (recovered) return recovered;

  const { path: worktree } = await ensureTaskWorktree(config, task);
  const facts = await rebaseOntoBase({ repo: task.repo, worktree, branch: task.branch, base: task.base });
  a = { ...a, worktree, branchTip: facts.branchTip, baseBefore: facts.baseTip, baseAfter: facts.baseTip };
  if (facts.outcome === 'conflict') return end('conflict', 'rebase', facts.message);
  if (facts.outcome === 'error' || facts.head === null || facts.baseTip === null || facts.branchTip === null) {
    return end('other', 'rebase', facts.message, 'git-error');
  }
  a = { ...a, testedHead: facts.head };

  const skip = decideRetestSkip({ enabled: opts.switches.skipWhenCurrent, validatedSha: task.validated_sha, ...facts });
  a = { ...a, skippedRetest: skip.skip, skipReason: skip.reason };
  if (!skip.skip) {
    // The rebase may have changed package.json or the lockfile: the re-test gets its dependencies
    // the way the staging suite got them (the same cache, so an unchanged key costs a link copy).
    const prep = await prepareDependencies(depsOptionsFromConfig(config), { worktree, env: process.env, notice: (line) => process.stderr.write(`orch: ${line}\n`) });
    if (prep.kind === 'failed') return end(opts.switches.classify ? 'other' : 'red', 'retest', describeDeps(prep), 'install-failed');
    const run = await runRetest(config, opts, worktree, marker);
    if ('problem' in run) return end(opts.switches.classify ? 'other' : 'red', 'retest', run.problem, 'no-command');
    a = { ...a, retest: summarizeRun(run.result, run.source) };
    if (!retestPassed(run.result)) {
      if (!opts.switches.classify) return end('red', 'retest', `re-test did not pass (${run.result.outcome}, exit ${run.result.exitCode ?? 'none'}, signal ${run.result.signal ?? 'none'})`);
      const c = classifyRetestFailure(run.result, opts.lockPatterns);
      return end(c.failure, 'retest', c.reason);
    }
  }
  const tested = skip.skip ? skip.reason : `re-test passed on ${facts.head.slice(0, 12)} in ${a.retest?.durationMs ?? 0} ms`;
  if (!opts.merge) return end('pass', null, `${tested}; mergeable into ${task.base} (not merged)`);

  const [descends, [baseCheckout = null, branchCheckout = null]] = await Promise.all([
    isAncestor(task.repo, facts.baseTip, facts.head),
    checkoutsOf(task.repo, [task.base, task.branch], worktree),
  ]);
  const plan = planMerge({
    base: task.base,
    branch: task.branch,
    baseOld: facts.baseTip,
    testedHead: facts.head,
    branchOld: facts.branchTip,
    descends,
    baseCheckout,
    branchCheckout,
    pushRemote: opts.pushRemote,
  });
  if (!plan.ok) return end('other', 'merge', plan.reason, 'not-descendant');
  const planned: PlannedMerge = { attempt: a, base: task.base, baseOld: facts.baseTip, testedHead: facts.head, tested, notes: plan.notes };
  return { kind: 'merge', planned, steps: plan.steps, recovering: null };
}

/**
 * The task's intent, if any: a merge to record (the base contains its commit; only the task
 * branch may still move), or null to evaluate as usual (no intent, or a stale one, dropped).
 */
async function readIntent({ store, config }: MergeGateDeps, task: GateTask, a: MergeAttempt): Promise<PendingMerge | null> {
  const row = await findMergeIntent(store.db, task.id);
  if (!row) return null;
  const intent: IntentFacts = { base: row.base, baseOld: row.base_old, plannedSha: row.planned_sha };
  const baseTip = await branchHead(task.repo, task.base);
  const contains = baseTip === null ? null : await isAncestor(task.repo, intent.plannedSha, baseTip);
  const decision = decideIntent(intent, task.base, contains);
  if (decision.kind !== 'recover') {
    await deleteMergeIntent(store.db, task.id, intent.plannedSha);
    return null;
  }
  const { path: worktree } = await ensureTaskWorktree(config, task);
  const branchOld = (await branchHead(task.repo, task.branch)) ?? intent.plannedSha;
  const [branchBehind, [branchCheckout = null]] = await Promise.all([isAncestor(task.repo, branchOld, intent.plannedSha), checkoutsOf(task.repo, [task.branch], worktree)]);
  const plan = planRecovery({ branch: task.branch, plannedSha: intent.plannedSha, branchOld, branchBehind, branchCheckout });
  const attempt: MergeAttempt = { ...a, worktree, branchTip: branchOld, baseBefore: intent.baseOld, baseAfter: baseTip, testedHead: intent.plannedSha, skippedRetest: true, skipReason: 'an interrupted attempt already merged it' };
  const planned: PlannedMerge = { attempt, base: task.base, baseOld: intent.baseOld, testedHead: intent.plannedSha, tested: 'recovered', notes: plan.notes };
  return { kind: 'merge', planned, steps: plan.steps, recovering: intent };
}
