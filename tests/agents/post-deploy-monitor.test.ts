import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { postDeployMonitor } from '../../src/agents/post-deploy-monitor.ts';
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
  await env?.cleanup();
  env = undefined;
});

/** A probe that appends a line per run to probes.log in the worktree and fails on the runs listed. */
const probe = (failOn: number[]) => [
  process.execPath,
  '-e',
  `const fs = require('fs'); fs.appendFileSync('probes.log', Date.now() + '\\n'); const n = fs.readFileSync('probes.log', 'utf8').trim().split('\\n').length; console.log('probe ' + n); process.exit(${JSON.stringify(failOn)}.includes(n) ? 1 : 0)`,
];
const setup = async (config: Parameters<typeof reservedContext>[2]) => reservedContext((env = await makePipelineEnv({ repo })), 'post-deploy', config);
const artifact = (ctx: RunContext) => readFileSync(join(ctx.taskDir, '25-monitor-log.md'), 'utf8');
const runs = (ctx: RunContext) => readFileSync(join(ctx.worktree, 'probes.log'), 'utf8').trim().split('\n').map(Number);

describe('post-deploy-monitor', () => {
  it('runs ORCH_MONITOR_PROBES probes ORCH_MONITOR_INTERVAL_S apart: HEALTHY when every one passes', async () => {
    const ctx = await setup({ ORCH_MONITOR_CMD: probe([]), ORCH_MONITOR_PROBES: 3, ORCH_MONITOR_INTERVAL_S: 0.2 });
    expect(await postDeployMonitor.run(ctx)).toMatchObject({ status: 'ok', reason: 'monitor_status: HEALTHY (3/3 probes passed)' });
    const at = runs(ctx);
    expect(at).toHaveLength(3);
    for (let i = 1; i < at.length; i++) expect((at[i] as number) - (at[i - 1] as number)).toBeGreaterThanOrEqual(190);
    expect(parseVerdict(artifact(ctx), 'monitor_status')).toMatchObject({ kind: 'verdict', value: 'HEALTHY' });
  });

  it('one failed probe makes it DEGRADED; the other probes still run', async () => {
    const ctx = await setup({ ORCH_MONITOR_CMD: probe([2]), ORCH_MONITOR_PROBES: 3, ORCH_MONITOR_INTERVAL_S: 0 });
    expect(await postDeployMonitor.run(ctx)).toMatchObject({ reason: 'monitor_status: DEGRADED (2/3 probes passed)' });
    expect(runs(ctx)).toHaveLength(3);
    const text = artifact(ctx);
    expect(parseVerdict(text, 'monitor_status')).toMatchObject({ kind: 'verdict', value: 'DEGRADED' });
    expect(text).toContain('## Probe 2: FAILED');
  });

  it('with no probe configured nothing is probed, and the log says so', async () => {
    const ctx = await setup({});
    expect(await postDeployMonitor.run(ctx)).toMatchObject({ reason: 'monitor_status: HEALTHY (no probe configured)' });
    expect(artifact(ctx)).toContain('Nothing is probed: no monitor command is configured.');
  });

  it('a stop between probes cancels the run: no artifact, no verdict', async () => {
    const base = await setup({ ORCH_MONITOR_CMD: probe([]), ORCH_MONITOR_PROBES: 3, ORCH_MONITOR_INTERVAL_S: 5 });
    const controller = new AbortController();
    const ctx = { ...base, signal: controller.signal, proc: { ...base.proc, signal: controller.signal } };
    setTimeout(() => controller.abort(), 300);
    expect(await postDeployMonitor.run(ctx)).toMatchObject({ status: 'cancelled' });
    expect(() => artifact(ctx)).toThrow(/ENOENT/);
  });
});
