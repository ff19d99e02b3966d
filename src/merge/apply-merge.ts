// Runs a merge plan with git. Each step either moves a ref exactly as planned or changes nothing:
// pushes without force, fast-forwards, `update-ref` with the old value (compare-and-swap).
import { runGit } from '../git/run.ts';
import type { MergeStep } from '../core/merge-plan.ts';

export type StepFailureKind = 'push-rejected' | 'push-failed' | 'ref-moved' | 'git-error';

export interface StepResult {
  readonly step: MergeStep;
  readonly ok: boolean;
  readonly failure: StepFailureKind | null;
  readonly message: string;
}

function firstLine(...texts: string[]): string {
  for (const text of texts) {
    const line = text.split('\n').find((l) => l.trim() !== '');
    if (line) return line.trim();
  }
  return '';
}

async function runStep(repo: string, step: MergeStep, reflog: string): Promise<StepResult> {
  const done = (message: string): StepResult => ({ step, ok: true, failure: null, message });
  const failed = (failure: StepFailureKind, message: string): StepResult => ({ step, ok: false, failure, message });
  switch (step.kind) {
    case 'push': {
      const r = await runGit(repo, ['push', '--porcelain', step.remote, `${step.sha}:${step.ref}`], { timeoutMs: 120_000 });
      if (r.exitCode === 0) return done(`pushed ${step.sha.slice(0, 12)} to ${step.remote} ${step.ref}`);
      const rejected = /\[rejected\]|\[remote rejected\]|non-fast-forward|fetch first/.test(`${r.stdout}\n${r.stderr}`);
      return failed(rejected ? 'push-rejected' : 'push-failed', `push to ${step.remote} ${rejected ? 'was rejected' : 'failed'}: ${firstLine(r.stderr, r.stdout)}`);
    }
    case 'fast-forward': {
      const head = await runGit(step.worktree, ['rev-parse', '--verify', '--quiet', 'HEAD']);
      const sym = await runGit(step.worktree, ['symbolic-ref', '--quiet', 'HEAD']);
      if (head.stdout !== step.expectOld || sym.stdout !== step.ref) {
        return failed('ref-moved', `${step.ref} in ${step.worktree} is no longer ${step.expectOld.slice(0, 12)}: someone moved it; not merging`);
      }
      const r = await runGit(step.worktree, ['merge', '--ff-only', '--quiet', '--end-of-options', step.sha]);
      if (r.exitCode === 0) return done(`fast-forwarded ${step.ref} in ${step.worktree} to ${step.sha.slice(0, 12)}`);
      return failed('git-error', `fast-forward of ${step.ref} in ${step.worktree} failed: ${firstLine(r.stderr, r.stdout)}`);
    }
    case 'update-ref': {
      const r = await runGit(repo, ['update-ref', '-m', reflog, step.ref, step.sha, step.expectOld]);
      if (r.exitCode === 0) return done(`moved ${step.ref} ${step.expectOld.slice(0, 12)} -> ${step.sha.slice(0, 12)}`);
      return failed('ref-moved', `${step.ref} is no longer ${step.expectOld.slice(0, 12)}; not moved: ${firstLine(r.stderr)}`);
    }
  }
}

/** Run the steps in order; stop at the first push or base step that fails (branch steps only warn). */
export async function applyMergePlan(repo: string, steps: readonly MergeStep[], reflog: string): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const step of steps) {
    const result = await runStep(repo, step, reflog);
    results.push(result);
    if (!result.ok && step.role !== 'branch') break;
  }
  return results;
}
