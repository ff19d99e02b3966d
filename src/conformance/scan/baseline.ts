// Baselines for `orch scan`: the ids of the findings a repo accepted when it adopted the scan, so
// CI fails only on new ones (as dependency-cruiser and Semgrep do). Ids carry no line numbers
// (`file#symbol:kind:ordinal`), so a baseline survives edits elsewhere in a file.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { InvalidInputError } from '../../errors.ts';
import { FINDING_KINDS } from './analyze.ts';
import { NEVER_FAILS, type ScanFinding } from './standalone.ts';

export const BASELINE_VERSION = 1;

const baselineSchema = z
  .object({
    version: z.literal(BASELINE_VERSION),
    tool: z.literal('orch scan').optional(),
    findings: z.array(
      z.object({ id: z.string().min(1), file: z.string(), kind: z.enum(FINDING_KINDS), sdk: z.string().nullable().optional(), callee: z.string().optional() }).strict(),
    ),
  })
  .strict();

export type Baseline = z.output<typeof baselineSchema>;

export function baselineOf(findings: readonly ScanFinding[]): Baseline {
  return {
    version: BASELINE_VERSION,
    tool: 'orch scan',
    findings: findings.filter((f) => !NEVER_FAILS.has(f.kind)).map((f) => ({ id: f.id, file: f.file, kind: f.kind, sdk: f.sdk, callee: f.callee })),
  };
}

export function writeBaseline(file: string, findings: readonly ScanFinding[]): void {
  writeFileSync(file, `${JSON.stringify(baselineOf(findings), null, 2)}\n`);
}

/** Read a baseline; a missing or malformed file is a usage error naming what is wrong. */
export function readBaseline(file: string): Baseline {
  if (!existsSync(file)) throw new InvalidInputError(`--baseline ${file}: no such file (write one with orch scan --write-baseline ${file})`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InvalidInputError(`--baseline ${file}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = baselineSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    throw new InvalidInputError(`--baseline ${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}; expected { "version": ${BASELINE_VERSION}, "findings": [{ "id", "file", "kind", "sdk", "callee" }] } as written by --write-baseline`);
  }
  return parsed.data;
}
