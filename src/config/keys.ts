// The config schema: every ORCH_* key, assembled from the section each module owns.
import type { KeyDef, KeyValue } from './define.ts';
import { coreKeys } from './sections/core.ts';
import { httpKeys } from './sections/http.ts';
import { pipelineKeys } from './sections/pipeline.ts';
import { procKeys } from './sections/proc.ts';
import { stagingKeys } from './sections/staging.ts';

export const CONFIG_KEYS = Object.freeze({
  ...coreKeys,
  ...pipelineKeys,
  ...procKeys,
  ...stagingKeys,
  ...httpKeys,
} satisfies Record<string, KeyDef>);

export type ConfigKey = keyof typeof CONFIG_KEYS;
export type Config = { readonly [K in ConfigKey]: KeyValue<(typeof CONFIG_KEYS)[K]> };

/** Checks that involve more than one key; each returns a message naming the keys, or null. */
export const CONFIG_RULES: ReadonlyArray<{ keys: readonly ConfigKey[]; check: (c: Config) => string | null }> = [];
