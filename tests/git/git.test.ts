import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, InvalidInputError } from '../../src/errors.ts';
import { branchHead, commitsAhead, requireWorkTree } from '../../src/git/repo.ts';
import { branchNameProblem, requireBranchName } from '../../src/git/refs.ts';
import { git } from '../../src/git/run.ts';
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
