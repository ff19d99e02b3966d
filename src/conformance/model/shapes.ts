// The shapes the harness expects of the registries it derives blocks from, checked with zod when
// loaded, so a registry that changes shape is reported as such instead of producing a wrong block.
import { z } from 'zod';

export const rolesShape = z.array(
  z.object({
    role: z.string().min(1),
    stage: z.string().min(1),
    artifact: z.string().min(1),
    verdictKey: z.string().nullable(),
    kind: z.enum(['llm', 'reserved']),
  }),
);
export type RoleRow = z.infer<typeof rolesShape>[number];

export const verdictKeysShape = z.record(
  z.string(),
  z.object({ key: z.string(), values: z.array(z.string()).min(1), pass: z.string() }),
);
export type VerdictKeyRow = z.infer<typeof verdictKeysShape>[string];

export const transitionsShape = z.array(z.object({ from: z.string(), to: z.string(), kind: z.string() }));

/**
 * QG_CHECKS: transition "from->to" -> ordered checks, each a check id or an object with an `id`
 * (and, optionally, the `verdictKey` it consumes; otherwise `check_<verdict key>` names it).
 */
export const qgChecksShape = z.record(
  z.string().regex(/^[a-z-]+->[a-z-]+$/, 'a transition key "from->to"'),
  z.array(
    z.union([
      z.string(),
      z.looseObject({ id: z.string(), verdictKey: z.string().nullable().optional() }),
    ]),
  ),
);

/** Reserved deterministic agents: a list of `{name|agent, stage}` or a record keyed by name. */
export const reservedAgentsShape = z.union([
  z.array(
    z
      .looseObject({ name: z.string().optional(), agent: z.string().optional(), stage: z.string() })
      .refine((r) => (r.name ?? r.agent) !== undefined, 'each reserved agent needs a name (or agent)'),
  ),
  z.record(z.string(), z.looseObject({ stage: z.string() })),
]);

export const configKeysShape = z.record(
  z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an upper-case environment variable name'),
  z.looseObject({ default: z.string(), doc: z.string(), allowed: z.string() }),
);

/** LAYERS of a dependency-cruiser config: bottom up, each with the path patterns of its files. */
export const layersShape = z.array(z.object({ name: z.string().min(1), holds: z.string().min(1), paths: z.array(z.string().min(1)).min(1) })).min(1);

export const regressionMarkersShape = z.array(z.object({ ticket: z.string(), symbol: z.string(), file: z.string() }));

export const migrateShape = z.custom<(db: unknown) => Promise<void>>((v) => typeof v === 'function', 'a function (db) => Promise<void>');

/** The documented keys of an HTTP response (GET /queue): derived from its zod schema in code. */
export const queueFieldsShape = z.array(z.object({ key: z.string().min(1), type: z.string().min(1), doc: z.string() }));
