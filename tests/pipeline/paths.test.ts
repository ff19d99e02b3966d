import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.ts';
import { artifactPath, taskDir, worktreePath } from '../../src/config/task-paths.ts';

const config = { ORCH_HOME: '/srv/orch' };

describe('task paths', () => {
  it('puts artifacts in $ORCH_HOME/tasks/<id> and worktrees in $ORCH_HOME/worktrees/<id>', () => {
    expect(taskDir(config, 3)).toBe('/srv/orch/tasks/3');
    expect(artifactPath(config, 3, '10-review.md')).toBe('/srv/orch/tasks/3/10-review.md');
    expect(worktreePath(config, 3)).toBe('/srv/orch/worktrees/3');
    expect(taskDir({ ORCH_HOME: 'rel' }, 1)).toBe(resolve('rel/tasks/1'));
  });

  it.each(['../4/10-review.md', '/etc/passwd', '..', '', '.', 'a/../../x', 'x\0y'])('refuses %j, which is not a file inside the task folder', (name) => {
    expect(() => artifactPath(config, 3, name)).toThrow(expect.objectContaining({ code: ERROR_CODES.INVALID_INPUT, message: expect.stringContaining('escapes the task folder') }));
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses task id %s', (id) => {
    expect(() => taskDir(config, id)).toThrow('task id must be a positive whole number');
  });
});
