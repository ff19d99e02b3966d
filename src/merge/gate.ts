// The merge gate (SPEC §7), never-raise, in two steps. The evaluation takes the repo's merge lock,
// rebases the task branch onto the base in the task worktree (detached: no branch moves), skips
// or runs the re-test, classifies a failure and, on a pass, PLANS the ref moves; it moves no ref.
// The apply step then runs the plan under the same lock: the base by fast-forward /
// compare-and-swap (after a push without force when configured), and releases the lock.
// Every path ends in a MergeAttempt; routing it is merge-route.ts's job.
import type { Config } from '../config/keys.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../errors.ts';
import { branchHead } from '../git/repo.ts';
import type { Store } from '../store/db.ts';
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
    };

/** A merge the evaluation planned under the lock: the plan's steps and what they conclude from. */
interface PendingMerge {
  readonly kind: 'merge';
  readonly planned: PlannedMerge;
  readonly steps: readonly MergeStep[];
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

/** Run the merge gate for `task`, evaluation and apply at once; always resolves to an attempt. */
export async function runMergeGate(deps: MergeGateDeps, task: GateTask, options: MergeGateOptions = {}): Promise<MergeAttempt> {
  const ev = await evaluateMergeGate(deps, task, options);
  return ev.kind === 'decided' ? ev.attempt : ev.perform();
}

/** The apply step: run the planned steps, read the base again, conclude (pure). */
async function performMerge(task: GateTask, pending: PendingMerge): Promise<MergeAttempt> {
  const results = await applyMergePlan(task.repo, pending.steps, `orch: merge task ${task.id} (${task.branch}) into ${task.base}`);
  const steps = results.map((r) => ({ ok: r.ok, role: r.step.role, failure: r.failure, message: r.message }));
  return concludeMerge(pending.planned, steps, await branchHead(task.repo, task.base));
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
    const ev = await underLock(deps.config, task, opts, { [m.name]: m.value });
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
          return { ...(await performMerge(task, ev)), lockWait, lockBroken };
        } finally {
          await release();
        }
      },
      discard: async () => {
        if (settled !== null) return;
        settled = 'discarded';
        await release();
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
async function underLock(config: Config, task: GateTask, opts: ResolvedMergeGateOptions, marker: Readonly<Record<string, string>>): Promise<Evaluated> {
  let a: MergeAttempt = emptyAttempt(opts.switches.classify);
  const end = (classification: Classification, source: FailureSource | null, reason: string, failure: string | null = null): Evaluated => ({ kind: 'decided', attempt: { ...a, classification, source, reason, failure } });

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
  return { kind: 'merge', planned, steps: plan.steps };
}
