// Reading JSON that orch stored or was handed (a detail column, an agent's stdout): one parser, so
// every reader agrees on what "not JSON" and "not an object" mean. None of them throws.

type Parsed = { readonly ok: true; readonly value: unknown } | { readonly ok: false };

function parse(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The JSON object in `text`; null when there is no text, it is not JSON, or not an object. */
export function parseJsonObject(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  const parsed = parse(text);
  return parsed.ok && isObject(parsed.value) ? parsed.value : null;
}

/**
 * A detail column to merge more keys into: its object, or `{}` when empty. What is not an object
 * is kept under `previous` (the value, or the text that is not JSON), never dropped.
 */
export function parseDetail(detail: string | null): Record<string, unknown> {
  if (detail === null) return {};
  const parsed = parse(detail);
  if (!parsed.ok) return { previous: detail };
  return isObject(parsed.value) ? parsed.value : { previous: parsed.value };
}

/** A detail column to show (GET /queue, `orch task show --json`): its JSON value, or the text as it is. */
export function detailValue(detail: string | null): unknown {
  if (detail === null) return null;
  const parsed = parse(detail);
  return parsed.ok ? parsed.value : detail;
}
