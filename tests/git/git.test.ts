import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, InvalidInputError } from '../../src/errors.ts';
import { protectHome } from '../../src/git/exclude.ts';
import { branchHead, commitsAhead, requireWorkTree, workTreeAndHeads } from '../../src/git/repo.ts';
import { branchNameProblem, requireBranchName } from '../../src/git/refs.ts';
import { git, runGit } from '../../src/git/run.ts';
import { readTreeState } from '../../src/staging/suite.ts';
import { makeTempRepo, type TempRepo } from '../helpers/git-repo.ts';

let repo: TempRepo;
let plain: string;
beforeAll(async () => {
  repo = await makeTempRepo({ featureCommits: 2 });
  plain = mkdtempSync(join(tmpdir(), 'orch-plain-'));
});
afterAll(() => {
  repo.cleanup();
  rmSync(plain, { recursive: true, force: true });
});

describe('branch names', () => {
  it.each(['main', 'feature/x', 'fix-1.2', 'user/a_b'])('accepts %s', async (name) => {
    expect(await branchNameProblem(name, repo.dir)).toBeNull();
  });

  it.each([
    ['--upload-pack=x', 'starts with "-"'],
    ['-b', 'starts with "-"'],
    ['', 'must not be empty'],
    ['a..b', 'not a valid branch name'],
    ['a b', 'not a valid branch name'],
    ['x.lock', 'not a valid branch name'],
    ['HEAD', 'not a valid branch name'],
    ['@{-1}', 'not a valid branch name'],
    ['a~1', 'not a valid branch name'],
  ])('refuses %j', async (name, why) => {
    expect(await branchNameProblem(name, repo.dir)).toContain(why);
  });

  it("remembers git's verdict on a name without @, and asks again for one with @", async () => {
    // In a folder that does not exist, git itself fails: only a remembered verdict can pass there.
    const nowhere = join(plain, 'no-such-dir');
    expect(await branchNameProblem('remembered/name', repo.dir)).toBeNull();
    expect(await branchNameProblem('remembered/name', nowhere)).toBeNull();
    expect(await branchNameProblem('never/asked', nowhere)).toContain('not a valid branch name');
    // `a@b` is a valid name, but a name with @ may be @{-1}, which depends on the repo: never remembered.
    expect(await branchNameProblem('a@b', repo.dir)).toBeNull();
    expect(await branchNameProblem('a@b', nowhere)).toContain('not a valid branch name');
  });

  it('requireBranchName throws InvalidInputError naming the field', async () => {
    await expect(requireBranchName('--upload-pack=x', '--branch')).rejects.toThrow(InvalidInputError);
    await expect(requireBranchName('a..b', '--base')).rejects.toThrow(
      '--base: "a..b" is not a valid branch name (git check-ref-format --branch refuses it)',
    );
  });
});

describe('repository questions', () => {
  it('finds the work tree top level, also from a subfolder', async () => {
    expect(await requireWorkTree(repo.dir)).toBe(repo.dir);
    mkdirSync(join(repo.dir, 'sub'), { recursive: true });
    expect(await requireWorkTree(join(repo.dir, 'sub'))).toBe(repo.dir);
  });

  it('refuses a folder that is not a git work tree, and a missing folder', async () => {
    await expect(requireWorkTree(plain)).rejects.toThrow(/is not a git repository with a work tree/);
    await expect(requireWorkTree(join(plain, 'nope'))).rejects.toThrow(/is not a folder/);
  });

  it('answers the work tree and several branch heads at once, as the one-by-one questions do', async () => {
    mkdirSync(join(repo.dir, 'deeper'), { recursive: true });
    const main = await branchHead(repo.dir, 'main');
    const feature = await branchHead(repo.dir, repo.branch);
    expect(await workTreeAndHeads(join(repo.dir, 'deeper'), [repo.branch, 'main'])).toEqual({ top: repo.dir, heads: [feature, main] });
    // A missing branch is null, the others still answered; not a work tree is the same error as requireWorkTree's.
    expect(await workTreeAndHeads(repo.dir, ['missing', 'main'])).toEqual({ top: repo.dir, heads: [null, main] });
    await expect(workTreeAndHeads(plain, ['main'])).rejects.toThrow(/is not a git repository with a work tree/);
    await expect(workTreeAndHeads(join(plain, 'nope'), ['main'])).rejects.toThrow(/is not a folder/);
  });

  it('reads branch heads and counts commits ahead of the base', async () => {
    expect(await branchHead(repo.dir, 'main')).toMatch(/^[0-9a-f]{40}$/);
    expect(await branchHead(repo.dir, 'missing')).toBeNull();
    expect(await commitsAhead(repo.dir, 'main', repo.branch)).toBe(2);
    expect(await commitsAhead(repo.dir, repo.branch, 'main')).toBe(0);
  });

  it('a failing git call is ORCH_GIT_FAILED naming the command', async () => {
    await expect(git(repo.dir, ['rev-parse', '--verify', 'refs/heads/nope'])).rejects.toMatchObject({
      code: ERROR_CODES.GIT_FAILED,
      message: expect.stringContaining('git rev-parse --verify refs/heads/nope failed in'),
    });
  });
});

describe('runGit', () => {
  it('answers with the exit code and the output without its final newline, whatever the exit', async () => {
    const top = await runGit(repo.dir, ['rev-parse', '--show-toplevel']);
    expect(top).toEqual({ exitCode: 0, stdout: repo.dir, stderr: '' });
    const log = await runGit(repo.dir, ['log', '--format=%s%n', '-1']);
    expect(log.stdout.endsWith('\n')).toBe(true); // only ONE final newline is dropped
    expect(await runGit(repo.dir, ['rev-parse', '--verify', '--quiet', 'refs/heads/nope'])).toEqual({ exitCode: 1, stdout: '', stderr: '' });
  });

  it('a git that outlives its timeout is killed and is a retryable ORCH_GIT_FAILED, not an answer', async () => {
    // The credential cache daemon listens on its socket until killed: a git call that never ends.
    const dir = mkdtempSync(join(tmpdir(), 'orch-git-timeout-'));
    try {
      await expect(runGit(null, ['credential-cache--daemon', join(dir, 'socket')], { timeoutMs: 300 })).rejects.toMatchObject({
        code: ERROR_CODES.GIT_FAILED,
        retryable: true,
        message: expect.stringContaining('could not run: timed out after 300 ms'),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ORCH_HOME inside a work tree (protectHome)', () => {
  it('excludes a home inside the repo once, in the common info/exclude; a home outside any repo costs no git', async () => {
    const home = join(repo.dir, '.orch-home');
    mkdirSync(home, { recursive: true });
    expect(await protectHome(home)).toBe(`ORCH_HOME ${home} lies inside the git work tree ${repo.dir}: added /.orch-home/ to ${join(repo.dir, '.git', 'info', 'exclude')} (local to this clone, never committed) so that git add -A in ${repo.dir} leaves it out`);
    expect(await protectHome(home)).toBeNull();
    expect(await repo.git('status', '--porcelain', '--untracked-files=all')).not.toContain('.orch-home');
    expect(await protectHome(plain)).toBeNull();
  });

  it('finds the repo from a linked worktree, whose .git is a file', async () => {
    const linked = join(plain, 'linked');
    await repo.git('worktree', 'add', '--quiet', '--detach', linked, 'main');
    try {
      const home = join(linked, 'state');
      mkdirSync(home);
      expect(await protectHome(home)).toContain(`added /state/ to ${join(repo.dir, '.git', 'info', 'exclude')}`);
    } finally {
      await repo.git('worktree', 'remove', '--force', linked);
    }
  });
});

describe('the tree state the staging runner records', () => {
  it('is the HEAD commit and whether tracked files differ from it, in one git call', async () => {
    const head = await git(repo.dir, ['rev-parse', 'HEAD']);
    expect(await readTreeState(repo.dir)).toEqual({ sha: head, dirty: false });
    writeFileSync(join(repo.dir, 'untracked.txt'), 'not tracked\n');
    expect((await readTreeState(repo.dir)).dirty).toBe(false);
    const tracked = (await git(repo.dir, ['ls-files'])).split('\n')[0] as string;
    writeFileSync(join(repo.dir, tracked), 'changed\n');
    expect(await readTreeState(repo.dir)).toEqual({ sha: head, dirty: true });
    await git(repo.dir, ['checkout', '--quiet', '--', tracked]);
    rmSync(join(repo.dir, 'untracked.txt'));
  });

  it('refuses a folder that is not a checkout', async () => {
    await expect(readTreeState(plain)).rejects.toMatchObject({ code: ERROR_CODES.GIT_FAILED });
  });
});
