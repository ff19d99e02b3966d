import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, InvalidInputError } from '../../src/errors.ts';
import { branchHead, commitsAhead, requireWorkTree } from '../../src/git/repo.ts';
import { branchNameProblem, requireBranchName } from '../../src/git/refs.ts';
import { mayBeInWorkTree } from '../../src/git/exclude.ts';
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

describe('mayBeInWorkTree (is git worth asking?)', () => {
  it('is true inside a work tree and under GIT_DIR, false where no folder above has a .git', () => {
    mkdirSync(join(repo.dir, 'deep', 'er'), { recursive: true });
    expect(mayBeInWorkTree(join(repo.dir, 'deep', 'er'), {})).toBe(true);
    expect(mayBeInWorkTree(plain, {})).toBe(false);
    expect(mayBeInWorkTree(plain, { GIT_DIR: join(repo.dir, '.git') })).toBe(true);
  });
});
