// The JSON rendering: the findings, the repairs (block text to paste), and the figures.
import type { DriftReport } from '../engine.ts';

export function renderJson(report: DriftReport, written: readonly string[] = []): string {
  const repairs = report.repairs.map((r) => (r.kind === 'file' ? { file: r.file, text: r.text } : { file: r.file, block: `orch:${r.name}`, lang: r.lang, body: r.body }));
  const out = { ok: report.diagnostics.length === 0, diagnostics: report.diagnostics, repairs, written, stats: report.stats };
  return `${JSON.stringify(out, null, 2)}\n`;
}
