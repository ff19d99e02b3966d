// Building blocks for config keys: each key is data (default, allowed values, doc) plus a zod
// schema that turns the raw environment string into a typed value.
import { z } from 'zod';

export interface KeyDef<T = unknown> {
  /** The raw default, exactly as it would be written in `.env`. */
  readonly default: string;
  /** One line for docs/configuration.md and .env.example. */
  readonly doc: string;
  /** What is allowed, in words, for error messages. */
  readonly allowed: string;
  readonly schema: z.ZodType<T>;
}

type Common = { default: string; doc: string };

export function str(opts: Common & { allowed?: string; nonEmpty?: boolean }): KeyDef<string> {
  const schema = opts.nonEmpty ? z.string().trim().min(1) : z.string().trim();
  return { ...opts, allowed: opts.allowed ?? (opts.nonEmpty ? 'a non-empty string' : 'a string'), schema };
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

export function bool(opts: Common): KeyDef<boolean> {
  const schema = z
    .string()
    .transform((v) => v.trim().toLowerCase())
    .refine((v) => TRUE.has(v) || FALSE.has(v))
    .transform((v) => TRUE.has(v));
  return { ...opts, allowed: 'true or false (also 1/0, yes/no, on/off)', schema };
}

export function int(opts: Common & { min: number; max?: number; unit?: string }): KeyDef<number> {
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  const schema = z
    .string()
    .trim()
    .regex(/^-?\d+$/)
    .transform(Number)
    .refine((n) => n >= opts.min && n <= max);
  const range = opts.max === undefined ? `>= ${opts.min}` : `from ${opts.min} to ${opts.max}`;
  const unit = opts.unit ? ` (${opts.unit})` : '';
  return { ...opts, allowed: `a whole number ${range}${unit}`, schema };
}

/** Seconds, fractions allowed (tests use sub-second timeouts). */
export function seconds(opts: Common & { min?: number; max?: number }): KeyDef<number> {
  const min = opts.min ?? 0;
  const max = opts.max ?? 7 * 24 * 3600;
  const schema = z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/)
    .transform(Number)
    .refine((n) => n >= min && n <= max);
  return { ...opts, allowed: `a number of seconds from ${min} to ${max}`, schema };
}

/** Comma-separated list; spaces around entries and empty entries are dropped. */
export function csv(opts: Common & { allowed?: string }): KeyDef<readonly string[]> {
  const schema = z.string().transform((v) =>
    Object.freeze(
      v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    ),
  );
  return { ...opts, allowed: opts.allowed ?? 'a comma-separated list', schema };
}

export function oneOf<const V extends readonly [string, ...string[]]>(
  opts: Common & { values: V },
): KeyDef<V[number]> {
  const schema = z.string().trim().pipe(z.enum(opts.values));
  return { default: opts.default, doc: opts.doc, allowed: `one of ${opts.values.join(', ')}`, schema };
}

export type KeyValue<D> = D extends KeyDef<infer T> ? T : never;
