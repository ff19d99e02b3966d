// Reads ORCH_* keys from the environment (and a .env file), validates each with its schema and
// returns a frozen Config. A bad value stops with an error naming the key, the value and what is allowed.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError, EnvironmentError, errorMessage } from '../errors.ts';
import { CONFIG_KEYS, CONFIG_RULES, type Config, type ConfigKey } from './keys.ts';

export interface LoadConfigOptions {
  /** Environment to read; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** `.env` file to read; values in `env` win. Defaults to `.env` in cwd; `false` disables it. */
  envFile?: string | false;
  /** Values that override both (CLI flags). */
  overrides?: Partial<Record<ConfigKey, string>>;
}

/**
 * Names orch sets in the environment of the processes it starts (agents, deploy and monitor
 * commands): an agent that runs orch inherits them, so they are not typos.
 */
export const CHILD_ENV_NAMES: readonly string[] = Object.freeze([
  'ORCH_TASK_ID',
  'ORCH_ROLE',
  'ORCH_STAGE',
  'ORCH_BRANCH',
  'ORCH_WORKTREE',
  'ORCH_ARTIFACT_PATH',
  'ORCH_VERDICT_KEY',
  'ORCH_VERDICT_VALUES',
]);

/** A `.env` line that is not blank, a comment or `KEY=value` (with `export ` allowed), with its number. */
export interface EnvFileProblem {
  readonly line: number;
  readonly text: string;
}

const ENV_LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/;

/** Lines of a `.env` text that are not KEY=value; quoted values may span lines, as in dotenv. */
export function envFileProblems(text: string): EnvFileProblem[] {
  const problems: EnvFileProblem[] = [];
  const lines = text.split(/\r?\n/);
  let open: string | null = null;
  lines.forEach((raw, i) => {
    if (open !== null) {
      if (raw.includes(open)) open = null;
      return;
    }
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = ENV_LINE.exec(raw);
    if (!match) {
      problems.push({ line: i + 1, text: raw });
      return;
    }
    const value = (match[2] ?? '').trimStart();
    const quote = value[0];
    if (quote === '"' || quote === "'" || quote === '`') {
      if (!value.slice(1).includes(quote)) open = quote;
    }
  });
  return problems;
}

/** The `.env` file as one string; a path that exists but cannot be read is the environment's fault. */
function readEnvText(path: string): string | null {
  if (!existsSync(path)) return null;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    const why = code === 'EISDIR' ? 'EISDIR: it is a folder' : `${code}: ${errorMessage(error)}`;
    throw new EnvironmentError(`${path} cannot be read as the .env file (${why})`, { cause: error });
  }
}

export function readEnvFile(path: string): Record<string, string> {
  const text = readEnvText(path);
  if (text === null) return {};
  return parsedEnv(text);
}

/** KEY=value pairs of a `.env` text; malformed lines are left out (Node's parser would glue them to the next key). */
function parsedEnv(text: string): Record<string, string> {
  const bad = new Set(envFileProblems(text).map((p) => p.line));
  const clean = bad.size === 0 ? text : text.split(/\r?\n/).filter((_, i) => !bad.has(i + 1)).join('\n');
  const parsed = parseEnv(clean);
  return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => e[1] !== undefined));
}

/**
 * Read and validate every key, then report every problem at once: values that fail their schema,
 * unknown ORCH_* names (with the nearest known key), `.env` lines that are not KEY=value, and
 * cross-key rules. One problem throws a ConfigError naming that key; several throw one whose
 * message has a line per problem (the CLI prints each as an `orch:` line and exits 2).
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const envPath = options.envFile === false ? null : resolve(options.envFile ?? '.env');
  const envText = envPath === null ? null : readEnvText(envPath);
  const fileVars = envText === null ? {} : parsedEnv(envText);
  const problems: Array<{ key: string; value: unknown; message: string; cause?: unknown }> = [];
  if (envText !== null && envPath !== null) {
    for (const p of envFileProblems(envText)) {
      problems.push({ key: '.env', value: p.text, message: `${envPath}:${p.line}: ${JSON.stringify(p.text)} is not KEY=value (a comment starts with #)` });
    }
  }
  for (const [key, where] of [...unknownOrchKeys(env).map((k) => [k, 'environment'] as const), ...unknownOrchKeys(fileVars).filter((k) => !(k in env)).map((k) => [k, envPath ?? '.env'] as const)]) {
    const near = nearestKey(key);
    problems.push({ key, value: env[key] ?? fileVars[key], message: `${key} (${where}) is not an orch config key${near ? `; did you mean ${near}?` : ''} (docs/configuration.md lists them)` });
  }
  const out: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(CONFIG_KEYS)) {
    const raw = options.overrides?.[key as ConfigKey] ?? env[key] ?? fileVars[key] ?? def.default;
    const parsed = def.schema.safeParse(raw);
    if (!parsed.success) {
      problems.push({ key, value: raw, message: new ConfigError(key, raw, def.allowed).message, cause: parsed.error });
      continue;
    }
    out[key] = parsed.data;
  }
  if (problems.length === 0) {
    const config = Object.freeze(out) as Config;
    for (const rule of CONFIG_RULES) {
      const problem = rule.check(config);
      if (problem !== null) {
        const key = rule.keys[0] as ConfigKey;
        problems.push({ key, value: config[key], message: new ConfigError(key, config[key], problem).message });
      }
    }
    if (problems.length === 0) return config;
  }
  const first = problems[0] as (typeof problems)[number];
  if (problems.length === 1) throw new ConfigError(first.key, first.value, '', { message: first.message, ...(first.cause === undefined ? {} : { cause: first.cause }) });
  throw new ConfigError(first.key, first.value, '', { message: problems.map((p) => p.message).join('\n') });
}

/** Unknown ORCH_* variables: almost always typos (orch's own child-process names excepted). */
export function unknownOrchKeys(env: NodeJS.ProcessEnv | Record<string, string> = process.env): string[] {
  return Object.keys(env)
    .filter((k) => k.startsWith('ORCH_') && !(k in CONFIG_KEYS) && !CHILD_ENV_NAMES.includes(k))
    .sort();
}

/** The known key closest to a misspelt one (edit distance, or one is the other plus a suffix), or null. */
export function nearestKey(name: string): string | null {
  let best: { key: string; d: number } | null = null;
  for (const key of Object.keys(CONFIG_KEYS)) {
    const d = key.startsWith(name) || name.startsWith(key) ? Math.abs(key.length - name.length) / 2 : distance(name, key);
    if (best === null || d < best.d) best = { key, d };
  }
  return best !== null && best.d <= Math.max(2, Math.floor(name.length / 4)) ? best.key : null;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const cur = [i];
    for (let j = 1; j <= b.length; j += 1) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
