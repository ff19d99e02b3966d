// Reads ORCH_* keys from the environment (and a .env file), validates each with its schema and
// returns a frozen Config. A bad value stops with an error naming the key, the value and what is allowed.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from '../errors.ts';
import { CONFIG_KEYS, CONFIG_RULES, type Config, type ConfigKey } from './keys.ts';

export interface LoadConfigOptions {
  /** Environment to read; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** `.env` file to read; values in `env` win. Defaults to `.env` in cwd; `false` disables it. */
  envFile?: string | false;
  /** Values that override both (CLI flags). */
  overrides?: Partial<Record<ConfigKey, string>>;
}

export function readEnvFile(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const parsed = parseEnv(readFileSync(path, 'utf8'));
  return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => e[1] !== undefined));
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const fileVars = options.envFile === false ? {} : readEnvFile(resolve(options.envFile ?? '.env'));
  const out: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(CONFIG_KEYS)) {
    const raw = options.overrides?.[key as ConfigKey] ?? env[key] ?? fileVars[key] ?? def.default;
    const parsed = def.schema.safeParse(raw);
    if (!parsed.success) throw new ConfigError(key, raw, def.allowed, { cause: parsed.error });
    out[key] = parsed.data;
  }
  const config = Object.freeze(out) as Config;
  for (const rule of CONFIG_RULES) {
    const problem = rule.check(config);
    if (problem !== null) {
      const key = rule.keys[0] as ConfigKey;
      throw new ConfigError(key, config[key], problem);
    }
  }
  return config;
}

/** Unknown ORCH_* variables are almost always typos; callers may warn about them. */
export function unknownOrchKeys(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.keys(env).filter((k) => k.startsWith('ORCH_') && !(k in CONFIG_KEYS));
}
