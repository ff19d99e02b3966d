import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deployFinalizer } from '../../src/agents/deploy-finalizer.ts';
import { isSelfRepo } from '../../src/agents/self-repo.ts';
import type { RunContext } from '../../src/launcher/types.ts';
import { parseVerdict } from '../../src/core/verdict.ts';
import { makeTempRepo, type TempRepo } from '../helpers/git-repo.ts';
import { makePipelineEnv, type PipelineEnv } from '../helpers/pipeline.ts';
import { reservedContext } from './helpers.ts';

let repo: TempRepo;
let env: PipelineEnv | undefined;
beforeAll(async () => {
  repo = await makeTempRepo();
});
afterAll(() => repo.cleanup());
afterEach(async () => {
  delete process.env.DEPLOY_API_TOKEN;
  await env?.cleanup();
  env = undefined;
});

const node = (script: string) => [process.execPath, '-e', script];
const artifact = (ctx: RunContext) => readFileSync(join(ctx.taskDir, '20-deploy-log.md'), 'utf8');
const setup = async (config: Parameters<typeof reservedContext>[2]) => reservedContext((env = await makePipelineEnv({ repo, env: { ORCH_KILL_GRACE_S: '0.2' } })), 'deploy', config);

describe('deploy-finalizer', () => {
  it('runs ORCH_DEPLOY_CMD in the task worktree and writes DEPLOYED with the output, secrets masked', async () => {
    process.env.DEPLOY_API_TOKEN = 'sekrit-value-42';
    const ctx = await setup({ ORCH_DEPLOY_CMD: node("require('fs').writeFileSync('deployed.txt', process.env.ORCH_TASK_ID); console.log('using ' + process.env.DEPLOY_API_TOKEN)") });
    const result = await deployFinalizer.run(ctx);
    expect(result).toMatchObject({ status: 'ok', exitCode: 0, reason: 'deploy_status: DEPLOYED' });
    expect(readFileSync(join(ctx.worktree, 'deployed.txt'), 'utf8')).toBe(String(ctx.task.id));
    const text = artifact(ctx);
    expect(parseVerdict(text, 'deploy_status')).toMatchObject({ kind: 'verdict', value: 'DEPLOYED' });
    expect(text).toContain('using ***');
    expect(text).not.toContain('sekrit-value-42');
    expect(text).toContain('- result: exit 0');
  });

  it('a failing command is deploy_status: FAILED (the agent itself finished: the gate decides)', async () => {
    const ctx = await setup({ ORCH_DEPLOY_CMD: node("console.error('deploy_status: DEPLOYED'); process.exit(4)") });
    expect(await deployFinalizer.run(ctx)).toMatchObject({ status: 'ok', reason: 'deploy_status: FAILED' });
    const text = artifact(ctx);
    // The command's own output sits in a fence: its verdict-looking line does not count.
    expect(parseVerdict(text, 'deploy_status')).toMatchObject({ kind: 'verdict', value: 'FAILED' });
    expect(text).toContain('- result: exit 4');
  });

  it('a command past ORCH_DEPLOY_TIMEOUT_S is killed and FAILED', async () => {
    const ctx = await setup({ ORCH_DEPLOY_CMD: node('setInterval(() => {}, 1000)'), ORCH_DEPLOY_TIMEOUT_S: 0.3 });
    expect(await deployFinalizer.run(ctx)).toMatchObject({ reason: 'deploy_status: FAILED' });
    expect(artifact(ctx)).toContain('- result: timed out after 0.3 s');
  });

  it('with no command there is nothing to run: DEPLOYED, and the log says so', async () => {
    const ctx = await setup({});
    expect(await deployFinalizer.run(ctx)).toMatchObject({ reason: 'deploy_status: DEPLOYED' });
    expect(artifact(ctx)).toContain('- command: none (ORCH_DEPLOY_CMD is empty)');
  });

  it("on orch's own repository it never runs the deploy: it records a pending restart as an alert", async () => {
    const ctx = await setup({ ORCH_SELF_REPO: repo.dir, ORCH_DEPLOY_CMD: node("require('fs').writeFileSync('deployed.txt', 'x')") });
    const result = await deployFinalizer.run(ctx);
    expect(existsSync(join(ctx.worktree, 'deployed.txt'))).toBe(false);
    expect(result).toMatchObject({ status: 'ok', reason: 'deploy_status: DEPLOYED', detail: { restartPending: true } });
    expect('alerts' in result && result.alerts).toEqual([
      expect.objectContaining({ kind: 'restart-pending', dedupeKey: `restart-pending:task-${ctx.task.id}:job-${ctx.job.id}` }),
    ]);
    expect(artifact(ctx)).toContain('- restart: pending for the operator');
  });

  it('knows its own repository through any worktree of it, and nothing else', async () => {
    const ctx = await setup({});
    expect(await isSelfRepo({ ORCH_SELF_REPO: repo.dir }, ctx.worktree)).toBe(true);
    expect(await isSelfRepo({ ORCH_SELF_REPO: '' }, repo.dir)).toBe(false);
    expect(await isSelfRepo({ ORCH_SELF_REPO: '' }, join(import.meta.dirname, '../..'))).toBe(true);
  });
});
