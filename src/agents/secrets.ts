// Secrets never reach an artifact or a stored detail: the values of environment variables whose
// names look secret (*_TOKEN, *_KEY, *_SECRET, *PASSWORD*) are masked wherever they appear.

/** Names whose values are secret. Case-insensitive: `db_password` is as secret as `DB_PASSWORD`. */
export function isSecretName(name: string): boolean {
  const upper = name.toUpperCase();
  return upper.endsWith('_TOKEN') || upper.endsWith('_KEY') || upper.endsWith('_SECRET') || upper.includes('PASSWORD');
}

export const MASK = '***';
/** Shorter values would mask ordinary words and digits all over a log; they are not real secrets. */
const MIN_SECRET_LENGTH = 4;

/** The secret values of `env`, longest first (so a secret containing another is masked whole). */
export function secretValues(env: Readonly<Record<string, string | undefined>>): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value.length >= MIN_SECRET_LENGTH && isSecretName(name)) values.add(value);
  }
  return [...values].sort((a, b) => b.length - a.length);
}

/** `text` with every secret value of `env` replaced by ***. */
export function maskSecrets(text: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  let out = text;
  for (const value of secretValues(env)) out = out.split(value).join(MASK);
  return out;
}
