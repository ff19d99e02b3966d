// The harness config (`orch.conformance.json` at a repo's root), validated with zod: where the docs
// and the sources are, how the transport is marked, what counts as an LLM, where each registry
// lives, and which blocks the repo has. Each block validates its own options (blocks/registry.ts).
import { z } from 'zod';
import { DEFAULT_AGENT_CLIS, DEFAULT_EXTENSIONS, DEFAULT_LLM_HOSTS, DEFAULT_LLM_SDKS } from './defaults.ts';

const relPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), 'a path inside the repo, relative to its root');

/** `path/to/file.ts#EXPORT_NAME`: a module of the scanned repo and one of its exports. */
export const moduleRef = z
  .string()
  .refine((v) => /^[^#\s/][^#\s]*#[A-Za-z_$][\w$]*$/.test(v) && !v.split('#')[0]!.split('/').includes('..'), 'a module reference "path/to/file.ts#exportName" inside the repo');

export const MODEL_KEYS = [
  'roles',
  'verdictKeys',
  'stageTransitions',
  'qgChecks',
  'reservedAgents',
  'configKeys',
  'migrate',
  'regressionMarkers',
  'layers',
  'queueFields',
] as const;
export type ModelKey = (typeof MODEL_KEYS)[number];

export const harnessConfigSchema = z
  .object({
    $schema: z.string().optional(),
    /** Folder of the Markdown docs that hold the blocks. @default "docs" */
    docs: relPath.default('docs'),
    /** Folders whose files the scanner reads. @default ["src"] */
    sources: z.array(relPath).min(1).default(['src']),
    /** Paths (relative to the root) left out of the scan. @default [] */
    ignore: z.array(relPath).default([]),
    extensions: z.array(z.string().startsWith('.')).min(1).default([...DEFAULT_EXTENSIONS]),
    transport: z
      .object({
        /** JSDoc tag on the transport function. @default "llmTransport" */
        tag: z.string().regex(/^[A-Za-z][\w-]*$/, 'a JSDoc tag name without @').default('llmTransport'),
        /** Or name it outright: `path#functionName`. */
        symbol: moduleRef.optional(),
      })
      .strict()
      .default({ tag: 'llmTransport' }),
    llm: z
      .object({
        sdks: z.array(z.string().min(1)).default([...DEFAULT_LLM_SDKS]),
        agentClis: z.array(z.string().min(1)).default([...DEFAULT_AGENT_CLIS]),
        hosts: z.array(z.string().min(1)).default([...DEFAULT_LLM_HOSTS]),
      })
      .strict()
      .default({ sdks: [...DEFAULT_LLM_SDKS], agentClis: [...DEFAULT_AGENT_CLIS], hosts: [...DEFAULT_LLM_HOSTS] }),
    /** Where each registry the blocks derive from lives. */
    model: z.partialRecord(z.enum(MODEL_KEYS), moduleRef).default({}),
    /**
     * Docs name real paths: inline code and links under these prefixes must exist in the repo
     * (`doc-path-missing`). @default [] (off)
     */
    docPaths: z
      .object({ prefixes: z.array(relPath.refine((p) => p.endsWith('/'), 'a folder prefix ending with "/"')).default([]) })
      .strict()
      .default({ prefixes: [] }),
    /** The blocks this repo keeps, by name, each with its own options. */
    blocks: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  })
  .strict();

export type HarnessConfigInput = z.input<typeof harnessConfigSchema>;
export type HarnessConfigParsed = z.output<typeof harnessConfigSchema>;
