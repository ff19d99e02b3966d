// Secrets in the artifact: values of environment keys that look secret (*_TOKEN, *_KEY,
// *_SECRET, *PASSWORD*, any case) are replaced wherever they appear in text orch writes.
// The launcher's reserved agents mask the same way; the two should share one helper once both land.

/** Keys whose values are masked. */
export const SECRET_KEY_PATTERN = /(?:_TOKEN|_KEY|_SECRET)$|PASSWORD/i;

/** Shorter values are not masked: replacing every "1" or "on" would garble the log, not hide anything. */
export const MIN_SECRET_LENGTH = 4;

export const MASK = '***';

/** The values to mask from `env`, longest first (so a secret containing another is masked whole). */
export function secretValues(env: Readonly<Record<string, string | undefined>>): readonly string[] {
  const values = new Set<string>();
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.length >= MIN_SECRET_LENGTH && SECRET_KEY_PATTERN.test(key)) values.add(value);
  }
  return Object.freeze([...values].sort((a, b) => b.length - a.length));
}

/** `text` with every occurrence of every secret replaced by `***`. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(MASK);
  return out;
}
