// agent_runs: one row per finished agent run, LLM or deterministic alike (SPEC §4).
import type { AgentRun, AgentRunsTable } from '../schema.ts';
import type { Insertable } from 'kysely';
import type { Db } from '../tx.ts';

export type NewAgentRun = Omit<Insertable<AgentRunsTable>, 'id'>;

export async function insertAgentRun(db: Db, run: NewAgentRun): Promise<AgentRun> {
  return db.insertInto('agent_runs').values(run).returningAll().executeTakeFirstOrThrow();
}

export async function runsForTask(db: Db, taskId: number): Promise<AgentRun[]> {
  return db.selectFrom('agent_runs').selectAll().where('task_id', '=', taskId).orderBy('id').execute();
}
