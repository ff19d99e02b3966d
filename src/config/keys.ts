// The config schema: every ORCH_* key, assembled from the section each module owns.
import type { KeyDef, KeyValue } from './define.ts';
import { coreKeys } from './sections/core.ts';
import { httpKeys } from './sections/http.ts';
import { deployKeys } from './sections/deploy.ts';
import { launcherKeys } from './sections/launcher.ts';
import { mergeKeys, mergeRules } from './sections/merge.ts';
import { pipelineKeys } from './sections/pipeline.ts';
import { procKeys } from './sections/proc.ts';
import { workerKeys, workerRules } from './sections/worker.ts';
import { stagingKeys } from './sections/staging.ts';
import { testingKeys } from './sections/testing.ts';

export const CONFIG_KEYS = Object.freeze({
  ...coreKeys,
  ...pipelineKeys,
  ...procKeys,
  ...launcherKeys,
  ...workerKeys,
  ...deployKeys,
  ...stagingKeys,
  ...testingKeys,
  ...httpKeys,
  ...mergeKeys,
} satisfies Record<string, KeyDef>);

export type ConfigKey = keyof typeof CONFIG_KEYS;
export type Config = { readonly [K in ConfigKey]: KeyValue<(typeof CONFIG_KEYS)[K]> };

/** A check that involves more than one key: a message naming the keys, or null. */
export interface ConfigRule {
  /** The first key is the one the ConfigError names; the message names them all. */
  readonly keys: readonly ConfigKey[];
  readonly check: (c: Config) => string | null;
}

/** Every cross-key check, from the sections that own the keys. */
export const CONFIG_RULES: readonly ConfigRule[] = [...mergeRules, ...workerRules];
