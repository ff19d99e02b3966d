// Usage of an agent run, read from its JSON stdout when there is one (SPEC §4): the whole output
// as one JSON object, or else the last line that is one (stream-json prints a result line last).
import { parseJsonObject } from '../util/json.ts';
import type { AgentUsage } from './types.ts';

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : null;
}

function money(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

/** The JSON object an agent printed, or null when its stdout is not JSON. */
export function resultObject(stdout: string): Record<string, unknown> | null {
  const whole = parseJsonObject(stdout.trim());
  if (whole) return whole;
  const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('{'));
  for (let i = lines.length - 1; i >= 0; i--) {
    const obj = parseJsonObject(lines[i] as string);
    if (obj) return obj;
  }
  return null;
}

/** `usage.input_tokens`, `usage.output_tokens`, `total_cost_usd`, `model`; null when none is there. */
export function parseUsage(stdout: string): AgentUsage | null {
  const obj = resultObject(stdout);
  if (!obj) return null;
  const usage = (obj.usage !== null && typeof obj.usage === 'object' ? obj.usage : {}) as Record<string, unknown>;
  const found: AgentUsage = {
    tokensIn: count(usage.input_tokens),
    tokensOut: count(usage.output_tokens),
    costUsd: money(obj.total_cost_usd ?? obj.cost_usd),
    model: typeof obj.model === 'string' && obj.model.length > 0 ? obj.model : null,
  };
  return Object.values(found).every((v) => v === null) ? null : found;
}
