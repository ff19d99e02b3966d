// `orch demo` runs the whole pipeline on a temp copy of the sample repo, and the README shows its
// real output: the stages, agents, transports and results of the README's table are checked
// against a fresh run (durations differ from run to run; nothing else may).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Code, Heading, Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import type { TimelineRow } from '../../src/demo/timeline.ts';
import { ROOT } from '../helpers/agents.ts';
import { cli } from '../helpers/cli.ts';

function readmeDemoBlocks(): string[] {
  const tree: Root = fromMarkdown(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  const text = (h: Heading) => {
    const parts: string[] = [];
    visit(h, 'text', (t) => void parts.push(t.value));
    return parts.join('');
  };
  const at = tree.children.findIndex((n) => n.type === 'heading' && text(n) === 'Demo');
  const end = tree.children.findIndex((n, i) => i > at && n.type === 'heading');
  return tree.children.slice(at + 1, end < 0 ? undefined : end).filter((n): n is Code => n.type === 'code').map((c) => c.value);
}

describe('orch demo', () => {
  it('takes a task from analysis to done through one rollback, and the README shows that run', async () => {
    const run = await cli(['demo', '--json'], {});
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { task: { state: string }; timeline: TimelineRow[]; kept: null };
    expect(out.task.state).toBe('done');
    expect(out.kept).toBeNull();
    const fresh = out.timeline.map((r) => [String(r.n), r.stage, r.agent, r.transport, r.result]);
    expect(fresh.map((r) => r[4])).toContain('rolled back -> development (check_review_status: review_status: CHANGES_REQUESTED (10-review.md line 5))');
    expect(fresh.filter((r) => r[1] === 'testing').map((r) => [r[2], r[3]])).toEqual([['test-runner', 'deterministic']]);

    const [command, output] = readmeDemoBlocks();
    expect(command).toBe('npx orch demo');
    const lines = (output ?? '').split('\n');
    const header = lines.findIndex((l) => l.startsWith('#   STAGE'));
    const rows = lines.slice(header + 1).filter((l) => /^\d+\s/.test(l)).map((l) => l.split(/\s{2,}/));
    expect(rows.map((c) => [c[0], c[1], c[2], c[3], c[6]])).toEqual(fresh);
  });
});

describe('orch demo with the test runner switched off', () => {
  it('ORCH_TEST_RUNNER_ENABLED=false: the LLM tester runs the testing stage, and the task still reaches done', async () => {
    const run = await cli(['demo', '--json'], { ORCH_TEST_RUNNER_ENABLED: 'false' });
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { task: { state: string }; timeline: TimelineRow[] };
    expect(out.task.state).toBe('done');
    expect(out.timeline.filter((r) => r.stage === 'testing').map((r) => [r.agent, r.transport, r.costUsd])).toEqual([['tester', 'llm', 0.01]]);
    expect(out.timeline.filter((r) => r.stage === 'deploy-staging').map((r) => [r.agent, r.transport])).toEqual([['staging-runner', 'deterministic']]);
  });
});
