// One schema doc, two engines: the orch:db-schema block is SQLite DDL, and PostgreSQL spells the
// same schema differently (serial for autoincrement, `<>` for `!=`, casts, `= ANY (ARRAY[...])`
// for `in (...)`, its own names for constraint indexes). Both engines are read into one
// engine-neutral "logical schema" (from PRAGMAs and pg_catalog, not from DDL text), and the
// comparison is of those models, so the doc stays the one source of truth for both.
//
// This file is the model. Reading it: from-sqlite.ts, from-postgres.ts (expressions in both are
// put in one normal form by expression.ts); comparing two: compare.ts.

/** integer, text or real; any other type keeps its engine's raw name, so it shows as a difference. */
export type LogicalType = 'integer' | 'text' | 'real' | (string & {});

export interface LogicalColumn {
  readonly name: string;
  readonly type: LogicalType;
  /** A primary-key column counts as not null on both engines. */
  readonly notNull: boolean;
  /** Normalised default expression; null when there is none (and for serial/identity ids). */
  readonly default: string | null;
  readonly primaryKey: boolean;
  /** SQLite `autoincrement`, PostgreSQL serial (nextval default) or identity. */
  readonly autoIncrement: boolean;
}

export interface LogicalForeignKey {
  readonly column: string;
  readonly refTable: string;
  readonly refColumn: string;
  /** `cascade`, `set null`, `no action`, `restrict` or `set default`. */
  readonly onDelete: string;
}

export interface LogicalCheck {
  /** The column of an allowed-values check (`x in (...)`, `x = ANY (ARRAY[...])`), else null. */
  readonly column: string | null;
  /** Its allowed values, sorted; null for any other check. */
  readonly values: readonly string[] | null;
  /** The normalised expression. */
  readonly text: string;
}

export interface LogicalIndex {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
  /** Normalised WHERE of a partial index, else null. */
  readonly predicate: string | null;
}

export interface LogicalTable {
  readonly name: string;
  readonly columns: readonly LogicalColumn[];
  readonly foreignKeys: readonly LogicalForeignKey[];
  /** Columns of each UNIQUE constraint (compared by columns: the engines name their indexes differently). */
  readonly uniques: readonly (readonly string[])[];
  readonly checks: readonly LogicalCheck[];
  /** Indexes made with `create index` (compared by name), not those behind constraints. */
  readonly indexes: readonly LogicalIndex[];
}

export interface LogicalSchema {
  /** Sorted by name. */
  readonly tables: readonly LogicalTable[];
}
