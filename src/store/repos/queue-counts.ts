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

/** A JSON type as JSON Schema names it. */
type JsonType = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';

/** The part of a JSON Schema a record check reads (z.toJSONSchema of a flat zod object). */
export interface PropertySchema {
  readonly type?: JsonType | readonly JsonType[];
  readonly enum?: readonly unknown[];
  readonly items?: PropertySchema;
  readonly anyOf?: readonly PropertySchema[];
}

export interface FlatObjectSchema {
  readonly properties?: Readonly<Record<string, PropertySchema>>;
  readonly required?: readonly string[];
}

/** One allowed form of a property: a JSON type, with its enum or its array items' type. */
interface Alternative {
  readonly type: JsonType;
  readonly enum?: readonly unknown[];
  readonly itemType?: JsonType;
}

function alternatives(name: string, p: PropertySchema): Alternative[] {
  if (p.anyOf) return p.anyOf.flatMap((q) => alternatives(name, q));
  const types = p.type === undefined ? [] : typeof p.type === 'string' ? [p.type] : p.type;
  if (types.length === 0) throw new Error(`record schema: property ${name} has no type this check can read`);
  return types.map((type) => {
    if (type === 'object') throw new Error(`record schema: property ${name} is an object; only flat records are counted in SQL`);
    if (type !== 'array') return p.enum ? { type, enum: p.enum } : { type };
    const item = p.items?.type;
    if (typeof item !== 'string' || item === 'array' || item === 'object' || p.items?.enum || p.items?.anyOf) throw new Error(`record schema: property ${name} is an array of something other than one plain type`);
    return { type, itemType: item };
  });
}

/** How each engine spells a JSON type test on a value of the record `v`, and its parts. */
interface RecordOps {
  typeOf(name: string): RawBuilder<unknown>;
  is(type: JsonType): readonly string[];
  text(name: string): RawBuilder<unknown>;
  everyItem(name: string, type: JsonType): RawBuilder<unknown>;
}

const SQLITE_TYPES: Record<JsonType, readonly string[]> = { string: ['text'], number: ['integer', 'real'], boolean: ['true', 'false'], null: ['null'], array: ['array'], object: ['object'] };
const sqliteKey = (name: string) => sql.lit(`$."${name}"`);

const RECORD_OPS: Record<Dialect, RecordOps> = {
  sqlite: {
    typeOf: (name) => sql`json_type(v, ${sqliteKey(name)})`,
    is: (type) => SQLITE_TYPES[type],
    text: (name) => sql`json_extract(v, ${sqliteKey(name)})`,
    everyItem: (name, type) => sql`not exists (select 1 from json_each(v, ${sqliteKey(name)}) as i where i.type not in (${sql.join(SQLITE_TYPES[type].map((t) => sql.lit(t)))}))`,
  },
  postgres: {
    typeOf: (name) => sql`jsonb_typeof(v -> ${sql.lit(name)})`,
    is: (type) => [type],
    text: (name) => sql`(v ->> ${sql.lit(name)})`,
    everyItem: (name, type) => sql`not exists (select 1 from jsonb_array_elements(v -> ${sql.lit(name)}) as i(e) where jsonb_typeof(i.e) <> ${sql.lit(type)})`,
  },
};

/** The SQL condition "the record `v` (an object) is valid under `schema`": each property absent when optional, else of an allowed form. */
function recordIsValid(dialect: Dialect, schema: FlatObjectSchema): RawBuilder<unknown> {
  const o = RECORD_OPS[dialect];
  const required = new Set(schema.required ?? []);
  const conds = Object.entries(schema.properties ?? {}).map(([name, p]) => {
    const t = o.typeOf(name);
    const forms = alternatives(name, p).map((a) => {
      const typed = sql`${t} in (${sql.join(o.is(a.type).map((x) => sql.lit(x)))})`;
      if (a.enum) {
        if (!a.enum.every((e) => typeof e === 'string')) throw new Error(`record schema: property ${name} has a non-string enum`);
        return sql`(${typed} and ${o.text(name)} in (${sql.join(a.enum.map((e) => sql.lit(e as string)))}))`;
      }
      if (a.itemType) return sql`(${typed} and ${o.everyItem(name, a.itemType)})`;
      return typed;
    });
    const any = sql`(${sql.join(forms, sql` or `)})`;
    return required.has(name) ? sql`(${t} is not null and ${any})` : sql`(${t} is null or ${any})`;
  });
  return conds.length === 0 ? sql`1 = 1` : sql.join(conds, sql` and `);
}

export interface RecordCountInput {
  /** The jobs of this stage are read. */
  readonly stage: string;
  /** The records are `detail.result.<key>.runs[]` (a constant of the caller, never input). */
  readonly key: string;
  /** What a record must be to count (z.toJSONSchema of its zod schema): the others are skipped. */
  readonly schema: FlatObjectSchema;
  /** The string property the records are counted by. */
  readonly countBy: string;
}

/** The valid records kept in the result detail of a stage's jobs, counted by one property, by the database. */
export async function recordCounts(db: Db, dialect: Dialect, input: RecordCountInput): Promise<KeyCount[]> {
  const valid = recordIsValid(dialect, input.schema);
  const like = `%"${input.key}"%`;
  const key = RECORD_OPS[dialect].text(input.countBy);
  const query =
    dialect === 'sqlite'
      ? sql<{ key: string | null; n: number }>`select ${key} as key, count(*) as n from (
            select r.value as v
            from (select case when json_valid(detail) then detail end as d from jobs where stage = ${input.stage} and detail like ${like}) as j,
              json_each(j.d, ${sql.lit(`$.result."${input.key}".runs`)}) as r
            where json_type(j.d, ${sql.lit(`$.result."${input.key}".runs`)}) = 'array' and r.type = 'object'
          ) as runs where ${valid} group by 1`
      : sql<{ key: string | null; n: string }>`select ${key} as key, count(*) as n from (
            select r.v
            from (select ${pgJson} as d from jobs where stage = ${input.stage} and detail like ${like}) as j
            cross join lateral jsonb_array_elements(
              case when jsonb_typeof(j.d -> 'result' -> ${sql.lit(input.key)} -> 'runs') = 'array' then j.d -> 'result' -> ${sql.lit(input.key)} -> 'runs' else '[]'::jsonb end
            ) as r(v)
            where jsonb_typeof(r.v) = 'object'
          ) as runs where ${valid} group by 1`;
  return keyCounts((await query.execute(db)).rows);
}
