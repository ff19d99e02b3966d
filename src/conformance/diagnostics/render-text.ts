// The text rendering: one line per finding (`file:line:col rule message`), then, per drifting
// block, the exact canonical text to paste, then a one-line summary.
import type { DriftReport, Repair } from '../engine.ts';
import { renderFencedBlock } from '../markdown/splice.ts';

function repairText(r: Repair): string {
  if (r.kind === 'file') return `Canonical ${r.file} (or run orch drift --write):\n${r.text}`;
  return `Canonical orch:${r.name} for ${r.file} (paste it, or run orch drift --write):\n${renderFencedBlock(r.name, r.lang, r.body)}`;
}

export function renderText(report: DriftReport, written: readonly string[] = []): string {
  const lines: string[] = [];
  for (const d of report.diagnostics) {
    const [first, ...rest] = d.message.split('\n');
    lines.push(`${d.file}:${d.line}:${d.column}  ${d.ruleId}  ${first}`, ...rest.map((l) => `    ${l}`));
  }
  // After --write the repairs are on disk; otherwise show the text to paste.
  if (written.length === 0 && report.repairs.length > 0) lines.push('', ...report.repairs.map(repairText));
  if (written.length > 0) lines.push('', `Wrote ${written.join(', ')}.`);
  const s = report.stats;
  // With the scan's cache, the files past the prefilter are those parsed and those it answered for.
  const hits = report.scanCache?.hits ?? 0;
  const parsed = report.scanCache ? `${s.filesParsed - hits} parsed, ${hits} from the cache` : `${s.filesParsed} parsed`;
  const tally = `${s.blocks} blocks, ${s.docs} docs, ${s.filesScanned} source files scanned (${parsed})`;
  lines.push(report.diagnostics.length === 0 ? `orch drift: clean (${tally})` : `orch drift: ${report.diagnostics.length} finding${report.diagnostics.length === 1 ? '' : 's'} (${tally})`);
  return `${lines.join('\n')}\n`;
}
