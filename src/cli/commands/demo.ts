// `orch demo`: the whole pipeline in a few seconds, on a throw-away copy of fixtures/repos/sample,
// with the fake agent standing in for the LLM. Prints the timeline: stage, agent, transport,
// duration, cost, and what the gate made of each run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { formatDuration } from '../../util/duration.ts';
import { EXIT, ExitSignal } from '../exit.ts';
import { printJson, printLine } from '../context.ts';
import type { Register } from '../program.ts';

/** The demo's machinery, imported when it runs (not when `orch --help` lists the commands). */
async function load() {
  const [timeline, setup, addTask, db, history, jobs, runs, shadowRuns, tasks, loop] = await Promise.all([
    import('../../demo/timeline.ts'),
    import('../../demo/setup.ts'),
    import('../../pipeline/add-task.ts'),
    import('../../store/db.ts'),
    import('../../store/repos/history.ts'),
    import('../../store/repos/jobs.ts'),
    import('../../store/repos/runs.ts'),
    import('../../store/repos/shadow-runs.ts'),
    import('../../store/repos/tasks.ts'),
    import('../../worker/loop.ts'),
  ]);
  return { ...timeline, ...setup, ...addTask, ...db, ...history, ...jobs, ...runs, ...shadowRuns, ...tasks, ...loop };
}

async function demo(o: { keep?: boolean; json?: boolean; verbose?: boolean }): Promise<void> {
  const { buildTimeline, renderTimeline, summarize, DEMO_BRANCH, setUpDemo, addTask, openStore, transitionsForTask, jobsForTask, runsForTask, shadowRunsForTask, getTask, runWorker } = await load();
  const t0 = performance.now();
  const root = mkdtempSync(join(tmpdir(), 'orch-demo-'));
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const setup = await setUpDemo(root, process.env);
    const store = await openStore(setup.config);
    try {
      const deps = { store, config: setup.config };
      const { task } = await addTask(deps, { repo: setup.repo, branch: DEMO_BRANCH, title: 'Greet in the demo' });
      if (!o.json) printLine(`orch demo: task ${task.id} on ${DEMO_BRANCH} of a copy of fixtures/repos/sample; the fake agent plays every LLM role\n`);
      await runWorker(deps, { untilIdle: true, signal: stop.signal, log: o.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined });
      const [final, runs, jobs, transitions, shadow] = await Promise.all([getTask(store.db, task.id), runsForTask(store.db, task.id), jobsForTask(store.db, task.id), transitionsForTask(store.db, task.id), shadowRunsForTask(store.db, task.id)]);
      const rows = buildTimeline(runs, jobs, transitions);
      const wallMs = Math.round(performance.now() - t0);
      if (o.json) printJson({ task: final, timeline: rows, shadow, wallMs, kept: o.keep ? root : null });
      else {
        printLine(renderTimeline(rows));
        printLine();
        const end = final.state === 'done' ? 'reached done' : `stopped on ${final.stage} (${final.state})`;
        printLine(`task ${final.id} ${end} in ${formatDuration(wallMs)}: ${summarize(rows)}`);
        for (const s of shadow) {
          const cost = s.cost_usd === null ? '' : `, $${s.cost_usd.toFixed(4)}`;
          printLine(`shadow on ${s.stage}: ${s.agent} ${s.deterministic_verdict ?? 'no verdict'}, ${s.role} (LLM) ${s.llm_verdict ?? 'no verdict'}: ${s.agree === null ? 'not compared' : s.agree === 1 ? 'agree' : 'DISAGREE'} (${s.shadow} ran in shadow${cost})`);
        }
        if (o.keep) printLine(`kept: ${root} (repo ${setup.repo}, ORCH_HOME ${setup.home})`);
      }
      if (final.state !== 'done') throw new ExitSignal(EXIT.fault);
    } finally {
      await store.close();
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    if (!o.keep) rmSync(root, { recursive: true, force: true });
  }
}

export const registerDemo: Register = (program: Command) => {
  program
    .command('demo')
    .description('run a task through every stage on a temp copy of the sample repo, with the fake agent, and print the timeline')
    .option('--keep', 'keep the temp repo and ORCH_HOME and print where they are')
    .option('--json', 'print the task and the timeline as JSON')
    .option('--verbose', "print the worker's log on stderr")
    .action(demo);
};
