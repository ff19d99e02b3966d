// `orch task add|list|show|retry`: operators create and inspect tasks and unblock them.
// What a subcommand runs is imported when it runs: registering the commands (and `orch --help`)
// loads no store, pipeline or git code.
import type { Command } from 'commander';
import type { Db } from '../../store/tx.ts';
import { parseTaskId, printJson, printLine, withStore } from '../context.ts';
import type { TaskRecord } from '../task-views.ts';

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
    .description('list tasks')
    .option('--json', 'print the tasks as a JSON array')
    .action(async (o: { json?: boolean }) => {
      const [{ listTasks }, { taskTable }] = await Promise.all([import('../../store/repos/tasks.ts'), import('../task-views.ts')]);
      await withStore(async ({ store }) => {
        const tasks = await listTasks(store.db);
        if (o.json) return printJson(tasks);
        printLine(tasks.length === 0 ? 'no tasks yet: `orch task add --repo DIR --branch B --title T` adds one' : taskTable(tasks));
      });
    });

  task
    .command('show')
    .description('show a task and its timeline: jobs, gate results, transitions, runs, alerts')
    .argument('<id>', 'task id')
    .option('--json', 'print the task and its records as JSON')
    .action(async (rawId: string, o: { json?: boolean }) => {
      const id = parseTaskId(rawId);
      const { renderTask, taskJson } = await import('../task-views.ts');
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
}
