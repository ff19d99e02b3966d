// Loads the registries of the scanned repo (its own code, by module reference), once each, and
// checks their shape. A failure is an OrchError the block engine turns into a `block-source` finding.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { register, type NamespacedUnregister } from 'tsx/esm/api';
import type { z } from 'zod';
import { ERROR_CODES, OrchError, errorMessage } from '../../errors.ts';
import type { ModelKey } from '../config/schema.ts';

export interface ModelLoader {
  /** The export named by model.<key>, checked against `shape`. */
  get<T>(key: ModelKey, shape: z.ZodType<T>): Promise<T>;
  /** The file that model.<key> names, relative to the root, for messages. */
  fileOf(key: ModelKey): string;
  has(key: ModelKey): boolean;
  /**
   * Start importing every configured registry now, without waiting: tsx transforms them on its
   * loader thread while the caller parses the docs and the code on this one. A failure is kept
   * for get() to report.
   */
  prefetch(): void;
}

function unavailable(message: string, cause?: unknown): OrchError {
  return new OrchError(ERROR_CODES.SOURCE_UNAVAILABLE, message, { cause });
}

let tsxScope: NamespacedUnregister | undefined;

/**
 * Import a TypeScript module of the scanned repo through tsx, in a scope of its own, registered
 * once per process. Under plain Node and under a test runner alike this is tsx's transform with
 * its on-disk cache keyed by content, so the same registry in another copy of the repo (the
 * conformance tests scan many) costs a cache hit, not a fresh transform.
 */
function importTs(path: string): Promise<Record<string, unknown>> {
  tsxScope ??= register({ namespace: 'orch-conformance-model' });
  return tsxScope.import(pathToFileURL(path).href, import.meta.url) as Promise<Record<string, unknown>>;
}

export function createModelLoader(root: string, refs: Readonly<Partial<Record<ModelKey, string>>>): ModelLoader {
  const cache = new Map<string, Promise<unknown>>();
  const split = (key: ModelKey): [string, string] => {
    const ref = refs[key];
    if (ref === undefined) throw unavailable(`model.${key} is not set in the harness config`);
    const at = ref.lastIndexOf('#');
    return [ref.slice(0, at), ref.slice(at + 1)];
  };
  const importExport = async (key: ModelKey): Promise<unknown> => {
    const [file, name] = split(key);
    const path = join(root, file);
    if (!existsSync(path)) throw unavailable(`${file} (model.${key}) does not exist`);
    let mod: Record<string, unknown>;
    try {
      mod = await importTs(path);
    } catch (error) {
      throw unavailable(`${file} (model.${key}) cannot be loaded: ${errorMessage(error)}`, error);
    }
    if (!(name in mod)) throw unavailable(`${file} has no export ${name} (model.${key}); exports: ${Object.keys(mod).join(', ') || 'none'}`);
    return mod[name];
  };
  const load = (key: ModelKey): Promise<unknown> => {
    let pending = cache.get(key);
    if (!pending) {
      pending = importExport(key);
      cache.set(key, pending);
    }
    return pending;
  };
  return {
    has: (key) => refs[key] !== undefined,
    fileOf: (key) => split(key)[0],
    prefetch() {
      for (const key of Object.keys(refs) as ModelKey[]) {
        // Handled here so that a registry nobody asks for is no unhandled rejection; get() still sees the failure.
        load(key).catch(() => undefined);
      }
    },
    async get<T>(key: ModelKey, shape: z.ZodType<T>): Promise<T> {
      const value = await load(key);
      const parsed = shape.safeParse(value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
        throw unavailable(`${refs[key]} (model.${key}) has an unexpected shape${where}: ${issue?.message ?? 'invalid'}`);
      }
      return parsed.data;
    },
  };
}
