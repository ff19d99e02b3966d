// Loads the registries of the scanned repo (its own code, by module reference), once each, and
// checks their shape. A failure is an OrchError the block engine turns into a `block-source` finding.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NamespacedUnregister } from 'tsx/esm/api';
import type { z } from 'zod';
import { ERROR_CODES, OrchError, errorMessage } from '../../errors.ts';
import type { ModelKey } from '../config/schema.ts';
import { bundleRegistries, type RegistryBundle, type Unbundled } from './bundle.ts';

export interface ModelLoader {
  /** The export named by model.<key>, checked against `shape`. */
  get<T>(key: ModelKey, shape: z.ZodType<T>): Promise<T>;
  /** The file that model.<key> names, relative to the root, for messages. */
  fileOf(key: ModelKey): string;
  has(key: ModelKey): boolean;
  /**
   * Start loading every configured registry now, without waiting: esbuild bundles them (or the
   * cache has them) in its own process while the caller parses the docs and the code on this
   * thread. A failure is kept for get() to report.
   */
  prefetch(): void;
}

function unavailable(message: string, cause?: unknown): OrchError {
  return new OrchError(ERROR_CODES.SOURCE_UNAVAILABLE, message, { cause });
}

let tsxScope: NamespacedUnregister | undefined;

/**
 * Import a TypeScript module of the scanned repo through tsx, in a scope of its own, registered
 * once per process: the way when the registries cannot be bundled (bundle.ts). Under plain Node and under a test runner alike this is tsx's transform with
 * its on-disk cache keyed by content, so the same registry in another copy of the repo (the
 * conformance tests scan many) costs a cache hit, not a fresh transform.
 */
async function importTs(path: string): Promise<Record<string, unknown>> {
  if (!tsxScope) {
    const { register } = await import('tsx/esm/api');
    tsxScope ??= register({ namespace: 'orch-conformance-model' });
  }
  return tsxScope.import(pathToFileURL(path).href, import.meta.url) as Promise<Record<string, unknown>>;
}

export interface ModelLoaderOptions {
  /** Where registry bundles are cached (default: bundle.ts's cacheDir()); tests use their own. */
  readonly bundleCache?: string;
}

export function createModelLoader(root: string, refs: Readonly<Partial<Record<ModelKey, string>>>, options: ModelLoaderOptions = {}): ModelLoader {
  const cache = new Map<string, Promise<unknown>>();
  let bundle: Promise<RegistryBundle | Unbundled> | undefined;
  // Every configured registry that exists, in one bundle: they share most of their imports.
  const bundled = (): Promise<RegistryBundle | Unbundled> =>
    (bundle ??= (() => {
      const files = [...new Set(Object.values(refs).map((ref) => ref.slice(0, ref.lastIndexOf('#'))))].filter((file) => existsSync(join(root, file)));
      return bundleRegistries(root, files, { cache: options.bundleCache }).catch((error: unknown) => ({ why: errorMessage(error) }));
    })());
  const importModule = async (file: string): Promise<Record<string, unknown>> => {
    const got = await bundled();
    const compiled = 'modules' in got ? got.modules.get(file) : undefined;
    if (compiled !== undefined) {
      try {
        return (await import(pathToFileURL(compiled).href)) as Record<string, unknown>;
      } catch {
        // The cached bundle went away under us (pruned by another process): the sources stay.
      }
    }
    return importTs(join(root, file));
  };
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
      mod = await importModule(file);
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
