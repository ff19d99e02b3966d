// Creating a task: every field is validated (the repo is a git work tree, both branches are valid
// names that exist) before anything is written; then the task and its first job go in together.
import { mkdirSync } from 'node:fs';
import type { Config } from '../config/keys.ts';
import { InvalidInputError } from '../errors.ts';
import { workTreeAndHeads } from '../git/repo.ts';
import { requireBranchName } from '../git/refs.ts';
import type { Store } from '../store/db.ts';
import { insertJob } from '../store/repos/jobs.ts';
import { findOpenTaskForBranch, insertTask } from '../store/repos/tasks.ts';
import type { Job, Task } from '../store/schema.ts';
import { PG_UNIQUE_VIOLATION, sqlState, writeTransaction } from '../store/tx.ts';
import { taskDir } from '../config/task-paths.ts';
import { STAGES, isStage, roleForStage, type Stage } from '../core/stages.ts';

export interface AddTaskInput {
  readonly repo: string;
  readonly branch: string;
  /** @default 'main' */
  readonly base?: string;
  readonly title: string;
  /** Where the task starts; a branch that already has work may start later. @default 'analysis' */
  readonly stage?: string;
  /** `orch stage --suite`, kept on the task. @default null (the config) */
  readonly suiteCmd?: string | null;
  /** `orch stage --timeout` in seconds, kept on the task. @default null (the config) */
  readonly timeoutS?: number | null;
  /** `ask`: stop at mergeable unless a merge is asked for explicitly (orch stage without --merge). @default null */
  readonly mergePolicy?: 'ask' | null;
}

const STARTABLE = STAGES.filter((s) => s !== 'done');

/** Validate `input` and return the normalised fields, or an InvalidInputError naming the field. */
export async function resolveTaskInput(input: AddTaskInput): Promise<{ repo: string; branch: string; base: string; title: string; stage: Stage }> {
  const stage = input.stage ?? 'analysis';
  if (!isStage(stage) || stage === 'done') throw new InvalidInputError(`--stage ${JSON.stringify(stage)} is not a stage a task can start on; allowed: ${STARTABLE.join(', ')}`);
  const title = input.title.trim();
  if (title === '' || /[\u0000-\u001f\u007f]/.test(title)) throw new InvalidInputError('--title must be one non-empty line of text');
  const base = input.base ?? 'main';
  await requireBranchName(input.branch, '--branch');
  await requireBranchName(base, '--base');
  const { top: repo, heads } = await workTreeAndHeads(input.repo, [input.branch, base]);
  if (input.branch === base) throw new InvalidInputError(`--branch and --base are both ${JSON.stringify(base)}; a task works on its own branch`);
  for (const [i, flag, name] of [[0, '--branch', input.branch], [1, '--base', base]] as const) {
    if (heads[i] === null) throw new InvalidInputError(`${flag}: branch ${JSON.stringify(name)} does not exist in ${repo}`);
  }
  return { repo, branch: input.branch, base, title, stage };
}

/** The fields resolveTaskInput returns: a work tree's top level, checked branch names that exist. */
export type ResolvedTaskInput = Awaited<ReturnType<typeof resolveTaskInput>>;

/** Add a task on its stage and enqueue that stage's job, in one transaction; then make its folder. */
export async function addTask(deps: { store: Store; config: Config }, input: AddTaskInput): Promise<{ task: Task; job: Job | null }> {
  return addResolvedTask(deps, await resolveTaskInput(input), input);
}

/**
 * addTask for fields the caller has already checked exactly as resolveTaskInput does (`orch stage`
 * resolves its flags that way first): the check's git call is not made twice.
 */
export async function addResolvedTask(
  deps: { store: Store; config: Config },
  fields: ResolvedTaskInput,
  input: Pick<AddTaskInput, 'suiteCmd' | 'timeoutS' | 'mergePolicy'> = {},
): Promise<{ task: Task; job: Job | null }> {
  const add = () =>
    writeTransaction(deps.store, async (trx) => {
      const open = await findOpenTaskForBranch(trx, fields.repo, fields.branch);
      if (open) throw new InvalidInputError(`task ${open.id} already works on branch ${JSON.stringify(fields.branch)} of ${fields.repo} (stage ${open.stage}, ${open.state})`);
      const task = await insertTask(trx, { ...fields, suiteCmd: input.suiteCmd ?? null, timeoutS: input.timeoutS ?? null, mergePolicy: input.mergePolicy ?? null });
      const role = roleForStage(fields.stage);
      const job = role ? await insertJob(trx, { taskId: task.id, stage: fields.stage, agent: role.role }) : null;
      return { task, job };
    });
  // On PostgreSQL two adds of one branch can both find no open task; the unique index refuses
  // the second, which then runs again and gets the error that names the task that won.
  const added = await add().catch((error: unknown) => {
    if (sqlState(error) === PG_UNIQUE_VIOLATION) return add();
    throw error;
  });
  mkdirSync(taskDir(deps.config, added.task.id), { recursive: true });
  return added;
}
