// `orch task add|list|show|retry|merge|cancel`: operators create and inspect tasks, unblock them,
// merge a task staged without --merge, and end a task by hand. What a subcommand runs is imported
// when it runs: registering the commands (and `orch --help`) loads no store, pipeline or git code.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InvalidInputError, TaskStateError } from '../../errors.ts';
import { isStage, STAGES } from '../../core/stages.ts';
import { isTaskState, TASK_STATES, type TaskState } from '../../core/states.ts';
import type { Db } from '../../store/tx.ts';
import { EXIT, ExitSignal } from '../exit.ts';
import { parseTaskId, printJson, printLine, withStore } from '../context.ts';
import type { TaskRecord } from '../../views/task-views.ts';

async function loadRecord(db: Db, id: number): Promise<TaskRecord> {
  const [{ alertsForTask }, { gateResultsForTask, transitionsForTask }, { jobsForTask }, { runsForTask }, { getTask }] = await Promise.all([
    import('../../store/repos/alerts.ts'),
    import('../../store/repos/history.ts'),
    import('../../store/repos/jobs.ts'),
    import('../../store/repos/runs.ts'),
    import('../../store/repos/tasks.ts'),
  ]);
  const task = await getTask(db, id);
  const [jobs, transitions, gateResults, runs, alerts] = await Promise.all([
    jobsForTask(db, id),
    transitionsForTask(db, id),
    gateResultsForTask(db, id),
    runsForTask(db, id),
    alertsForTask(db, id),
  ]);
  return { task, jobs, transitions, gateResults, runs, alerts };
}

export function registerTask(program: Command): void {
  const task = program.command('task').description('create, list, show and retry tasks');

  task
    .command('add')
    .description('add a task for a branch of a git repo and queue the job of its first stage')
    .requiredOption('--repo <dir>', 'folder of the git work tree')
    .requiredOption('--branch <name>', 'the branch the task works on')
    .option('--base <name>', 'the branch it merges into', 'main')
    .requiredOption('--title <text>', 'one line saying what the change is')
    .option('--stage <stage>', 'stage to start on (a branch that already has work may start later)', 'analysis')
    .option('--json', 'print the task and its job as JSON')
    .action(async (o: { repo: string; branch: string; base: string; title: string; stage: string; json?: boolean }) => {
      const { addTask } = await import('../../pipeline/add-task.ts');
      await withStore(async (deps) => {
        const { task: t, job } = await addTask(deps, { repo: o.repo, branch: o.branch, base: o.base, title: o.title, stage: o.stage });
        if (o.json) return printJson({ task: t, job });
        printLine(`task ${t.id} added: ${t.branch} (base ${t.base}) of ${t.repo}, stage ${t.stage}`);
        if (job) printLine(`job ${job.id} queued for ${job.agent}`);
      });
    });

  task
    .command('list')
    .description('list tasks (every filter given must match)')
    .option('--repo <dir>', 'only tasks of this git work tree')
    .option('--state <state>', `only tasks in this state: ${Object.values(TASK_STATES).join(', ')}`)
    .option('--stage <stage>', `only tasks on this stage: ${STAGES.join(', ')}`)
    .option('--json', 'print the tasks as a JSON array')
    .action(async (o: { repo?: string; state?: string; stage?: string; json?: boolean }) => {
      if (o.state !== undefined && !isTaskState(o.state)) throw new InvalidInputError(`--state ${JSON.stringify(o.state)} is invalid: one of ${Object.values(TASK_STATES).join(', ')}`);
      if (o.stage !== undefined && !isStage(o.stage)) throw new InvalidInputError(`--stage ${JSON.stringify(o.stage)} is invalid: one of ${STAGES.join(', ')}`);
      // The repo is stored as its work tree's top level: a subfolder finds it too; a folder that is gone is matched as written.
      const [{ listTasks }, { taskTable }, { requireWorkTree }] = await Promise.all([import('../../store/repos/tasks.ts'), import('../../views/task-views.ts'), import('../../git/repo.ts')]);
      const repo = o.repo === undefined ? undefined : await requireWorkTree(o.repo).catch(() => resolve(o.repo as string));
      const filter = { ...(o.state === undefined ? {} : { state: o.state as TaskState }), ...(o.stage === undefined ? {} : { stage: o.stage }), ...(repo === undefined ? {} : { repo }) };
      await withStore(async ({ store }) => {
        const tasks = await listTasks(store.db, filter);
        if (o.json) return printJson(tasks);
        const filtered = Object.keys(filter).length > 0;
        printLine(tasks.length === 0 ? (filtered ? 'no tasks match' : 'no tasks yet: `orch task add --repo DIR --branch B --title T` adds one') : taskTable(tasks));
      });
    });

  task
    .command('show')
    .description('show a task and its timeline: jobs, gate results, transitions, runs, alerts')
    .argument('<id>', 'task id')
    .option('--json', 'print the task and its records as JSON')
    .action(async (rawId: string, o: { json?: boolean }) => {
      const id = parseTaskId(rawId);
      const { renderTask, taskJson } = await import('../../views/task-views.ts');
      await withStore(async ({ store }) => {
        const record = await loadRecord(store.db, id);
        if (o.json) printJson(taskJson(record));
        else printLine(renderTask(record));
      });
    });

  task
    .command('retry')
    .description("unblock a blocked task (or one whose stage job ended) and queue its stage's job again")
    .argument('<id>', 'task id')
    .option('--json', 'print the result as JSON')
    .action(async (rawId: string, o: { json?: boolean }) => {
      const id = parseTaskId(rawId);
      const { retryTask } = await import('../../pipeline/retry.ts');
      await withStore(async ({ store }) => {
        const result = await retryTask(store, id);
        if (o.json) return printJson(result);
        printLine(`task ${id} ${result.unblocked ? 'unblocked' : 'retried'} on ${result.task.stage}; job ${result.job.id} queued for ${result.job.agent}`);
      });
    });

  task
    .command('merge')
    .description('merge a task staged without --merge (state mergeable): the merge gate runs again and moves the base')
    .argument('<id>', 'task id')
    .option('--json', 'print the result as JSON')
    .action(async (rawId: string, o: { json?: boolean }) => {
      const id = parseTaskId(rawId);
      const [{ getTask }, { advance }, { withMergeGateOptions }] = await Promise.all([import('../../store/repos/tasks.ts'), import('../../pipeline/advance.ts'), import('../../merge/scope.ts')]);
      await withStore(async (deps) => {
        const t = await getTask(deps.store.db, id);
        if (t.substate !== 'mergeable') {
          throw new TaskStateError(t.id, t.substate ?? t.state, `task ${t.id} is ${t.substate ?? t.state} on ${t.stage}, not mergeable; \`orch task merge\` merges a task staged without --merge (\`orch stage\` stages one)`);
        }
        const result = await withMergeGateOptions({ merge: true }, () => advance(deps, id, { merge: true }));
        if (o.json) printJson(result);
        else printLine(`task ${id}: ${result.outcome} (${result.from} -> ${result.to}): ${result.reason}`);
        if (result.outcome !== 'advanced' && result.outcome !== 'done') throw new ExitSignal(result.outcome === 'deferred' || result.outcome === 'conflict' ? EXIT.tempfail : EXIT.fault);
      });
    });

  task
    .command('cancel')
    .description('end a task by hand: its waiting jobs are cancelled, a running job\'s process tree is killed, its branch is free again')
    .argument('<id>', 'task id')
    .option('--json', 'print the result as JSON')
    .action(async (rawId: string, o: { json?: boolean }) => {
      const id = parseTaskId(rawId);
      const { cancelTask } = await import('../../pipeline/restage.ts');
      await withStore(async (deps) => {
        const result = await cancelTask(deps, id);
        if (o.json) return printJson(result);
        const running = result.running
          ? `; running job ${result.running.jobId} ended${result.running.local ? `, ${result.running.killed} process(es) killed` : ' (it runs on another machine: its processes end with its lease)'}`
          : '';
        printLine(`task ${id} cancelled: ${result.cancelledJobs} waiting job(s) cancelled${running}; branch ${result.task.branch} is free for a new task`);
      });
    });
}
