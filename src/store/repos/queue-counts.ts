// The counters of GET /queue, computed by the database: GROUP BY counts and one aggregate row per
// figure, so a snapshot costs the same whatever the size of the history (no table is read into
// the process to be counted there). JSON details are text on both engines; the two spell the
// JSON access differently (SQLite's json_extract/json_type, PostgreSQL's jsonb operators), which
// is the one place the queries differ.
import { sql, type RawBuilder } from 'kysely';
import { PENDING_JOB_STATES } from '../../core/states.ts';
import { STALE_REASONS } from '../../core/stale.ts';
import type { Db } from '../tx.ts';

export type Dialect = 'sqlite' | 'postgres';

/** One GROUP BY row: a key (a state, a stage) and how many rows have it. */
export interface KeyCount {
  readonly key: string;
  readonly n: number;
}

const keyCounts = (rows: ReadonlyArray<{ key: string | null; n: number | bigint | string }>): KeyCount[] => rows.flatMap((r) => (r.key === null ? [] : [{ key: r.key, n: Number(r.n) }]));

/** Tasks by state, by substate (non-null only) and open (not done) tasks by stage. */
export async function taskCounts(db: Db): Promise<{ byState: KeyCount[]; bySubstate: KeyCount[]; openByStage: KeyCount[] }> {
  const byState = await db.selectFrom('tasks').select(['state as key', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('state').execute();
  const bySubstate = await db.selectFrom('tasks').select(['substate as key', (eb) => eb.fn.countAll<number>().as('n')]).where('substate', 'is not', null).groupBy('substate').execute();
  const openByStage = await db.selectFrom('tasks').select(['stage as key', (eb) => eb.fn.countAll<number>().as('n')]).where('state', '!=', 'done').groupBy('stage').execute();
  return { byState: keyCounts(byState), bySubstate: keyCounts(bySubstate), openByStage: keyCounts(openByStage) };
}

/** Jobs by state, pending jobs by stage, and the reaps for a dead owner or a lost lease (jobs.detail.reaps entries not for running too long). */
export async function jobCounts(db: Db, dialect: Dialect): Promise<{ byState: KeyCount[]; pendingByStage: KeyCount[]; reaps: number }> {
  const byState = await db.selectFrom('jobs').select(['state as key', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('state').execute();
  const pendingByStage = await db
    .selectFrom('jobs')
    .select(['stage as key', (eb) => eb.fn.countAll<number>().as('n')])
    .where('state', 'in', [...PENDING_JOB_STATES])
    .groupBy('stage')
    .execute();
  const tooLong = STALE_REASONS.ranTooLong;
  const reaps =
    dialect === 'sqlite'
      ? sql<{ n: number | null }>`select sum((select count(*) from json_each(d, '$.reaps') as e
            where json_type(d, '$.reaps') = 'array'
              and (case when e.type = 'object' then json_extract(e.value, '$.reason') end) is not ${tooLong})) as n
          from (select case when json_valid(detail) then detail end as d from jobs where detail like '%"reaps"%')`
      : sql<{ n: string | null }>`select sum((select count(*) from jsonb_array_elements(case when jsonb_typeof(d -> 'reaps') = 'array' then d -> 'reaps' else '[]'::jsonb end) as e
            where (e ->> 'reason') is distinct from ${tooLong})) as n
          from (select ${pgJson} as d from jobs where detail like '%"reaps"%') as j`;
  const row = (await reaps.execute(db)).rows[0];
  return { byState: keyCounts(byState), pendingByStage: keyCounts(pendingByStage), reaps: Number(row?.n ?? 0) };
}

/** The merge gate's counters, named as GET /queue names them. */
export const MERGE_COUNTER_KEYS = ['retests', 'skipped', 'passed', 'red', 'timeout', 'lock_busy', 'other', 'infra_retries', 'exhausted', 'merged', 'rollbacks', 'lock_waits', 'lock_wait_ms', 'locks_broken'] as const;
export type MergeCounterKey = (typeof MERGE_COUNTER_KEYS)[number];

// A detail that is not a JSON object counts as an empty one (as parseJsonObject reads it).
const pgJson = sql`case when left(ltrim(detail), 1) = '{' then detail::jsonb end`;

/** How each engine asks about a path of the detail `d`; paths are literals of this file, never input. */
interface JsonOps {
  readonly source: RawBuilder<unknown>;
  /** The value is present (JSON null included). */
  present(path: string[]): RawBuilder<unknown>;
  /** The value is present and not JSON null. */
  notNull(path: string[]): RawBuilder<unknown>;
  isTrue(path: string[]): RawBuilder<unknown>;
  equals(path: string[], text: string): RawBuilder<unknown>;
  isNumber(path: string[]): RawBuilder<unknown>;
  number(path: string[]): RawBuilder<unknown>;
}

const sqlitePath = (p: string[]) => sql.lit(`$.${p.join('.')}`);
const pgPath = (p: string[]) => sql.lit(`{${p.join(',')}}`);

const OPS: Record<Dialect, JsonOps> = {
  sqlite: {
    source: sql`case when json_valid(detail) then detail end`,
    present: (p) => sql`json_type(d, ${sqlitePath(p)}) is not null`,
    notNull: (p) => sql`json_type(d, ${sqlitePath(p)}) not in ('null')`,
    isTrue: (p) => sql`json_type(d, ${sqlitePath(p)}) = 'true'`,
    equals: (p, text) => sql`(json_type(d, ${sqlitePath(p)}) = 'text' and json_extract(d, ${sqlitePath(p)}) = ${text})`,
    isNumber: (p) => sql`json_type(d, ${sqlitePath(p)}) in ('integer', 'real')`,
    number: (p) => sql`json_extract(d, ${sqlitePath(p)})`,
  },
  postgres: {
    source: pgJson,
    present: (p) => sql`(d #> ${pgPath(p)}) is not null`,
    notNull: (p) => sql`jsonb_typeof(d #> ${pgPath(p)}) <> 'null'`,
    isTrue: (p) => sql`(d #> ${pgPath(p)}) = 'true'::jsonb`,
    equals: (p, text) => sql`(jsonb_typeof(d #> ${pgPath(p)}) = 'string' and (d #>> ${pgPath(p)}) = ${text})`,
    isNumber: (p) => sql`jsonb_typeof(d #> ${pgPath(p)}) = 'number'`,
    number: (p) => sql`(d #>> ${pgPath(p)})::float8`,
  },
};

/** The merge gate's counters over the gate_results rows of `checkId`: ONE aggregate row, computed by the database. */
export async function mergeAttemptCounts(db: Db, dialect: Dialect, checkId: string): Promise<Record<MergeCounterKey, number>> {
  const j = OPS[dialect];
  const count = (cond: RawBuilder<unknown>) => sql`coalesce(sum(case when ${cond} then 1 else 0 end), 0)`;
  const waited = j.isNumber(['lockWait', 'ms']);
  const figures: Record<MergeCounterKey, RawBuilder<unknown>> = {
    retests: count(j.notNull(['retest'])),
    skipped: count(j.isTrue(['skippedRetest'])),
    passed: count(sql`verdict = 'pass'`),
    red: count(j.equals(['classification'], 'red')),
    timeout: count(j.equals(['classification'], 'timeout')),
    lock_busy: count(j.equals(['classification'], 'lock-busy')),
    other: count(j.equals(['classification'], 'other')),
    infra_retries: count(j.present(['infraRetry'])),
    exhausted: count(j.present(['infraExhausted'])),
    merged: count(j.isTrue(['merged'])),
    rollbacks: count(sql`verdict = 'fail' and transition_id is not null`),
    lock_waits: count(waited),
    lock_wait_ms: sql`coalesce(sum(case when ${waited} then ${j.number(['lockWait', 'ms'])} else 0 end), 0)`,
    locks_broken: count(j.notNull(['lockBroken'])),
  };
  const columns = sql.join(MERGE_COUNTER_KEYS.map((k) => sql`${figures[k]} as ${sql.ref(k)}`));
  const result = await sql<Record<MergeCounterKey, number | string>>`select ${columns}
    from (select verdict, transition_id, ${j.source} as d from gate_results where check_id = ${checkId}) as g`.execute(db);
  const row = result.rows[0];
  return Object.fromEntries(MERGE_COUNTER_KEYS.map((k) => [k, Number(row?.[k] ?? 0)])) as Record<MergeCounterKey, number>;
}
