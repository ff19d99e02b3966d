// Reading an Istanbul-style coverage-summary.json (what c8, nyc, vitest and jest write with the
// `json-summary` reporter): the figure the gate compares is `total.lines.pct`. Pure: text in, data out.
import { z } from 'zod';

// Only the figure we read is checked; other metrics and per-file entries are ignored.
const metric = z.object({ pct: z.union([z.number().min(0).max(100), z.literal('Unknown')]) });
const summarySchema = z.object({ total: z.object({ lines: metric }) });

export type SummaryReading = { readonly ok: true; readonly linesPct: number } | { readonly ok: false; readonly problem: string };

export function readCoverageSummary(text: string): SummaryReading {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `not JSON (${(error as Error).message})` };
  }
  const parsed = summarySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: `not an Istanbul coverage summary: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unexpected shape'}` };
  }
  const pct = parsed.data.total.lines.pct;
  // Istanbul writes "Unknown" when there was nothing to measure: no figure is not a passing figure.
  if (pct === 'Unknown') return { ok: false, problem: 'total.lines.pct is "Unknown": no lines were measured' };
  return { ok: true, linesPct: pct };
}
