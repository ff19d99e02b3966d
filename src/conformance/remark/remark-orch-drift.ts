// The drift check as a unified plugin, for docs reviewers: `npx remark docs --frail` (remark-cli,
// wired by .remarkrc) and editors running unified-language-server show each divergence of the
// document being processed as a message at its block's line, with the rule id. With remark-cli's
// `--output`, the document is written back repaired the way `orch drift --write` repairs it: new
// block bodies spliced in at the parser's offsets, a missing block added, every other byte as it
// was (the plugin compiles the document itself rather than re-serialising the tree).
//
// Options: `root` (the repo; default: the nearest folder above the document holding
// orch.conformance.json). The code side is derived once per root and process; a document whose
// text differs from the file on disk (an editor's unsaved buffer) is checked as it is.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Root } from 'mdast';
import type { Processor } from 'unified';
import type { VFile } from 'vfile';
import { HARNESS_CONFIG_FILE } from '../config/defaults.ts';
import { loadHarnessConfig } from '../config/load.ts';
import { checkDrift, type DriftReport } from '../engine.ts';
import { repairedText } from '../apply.ts';

export interface RemarkOrchDriftOptions {
  /** The repo root; default: found upwards from the document. */
  readonly root?: string;
}

const SOURCE = 'orch-drift';
const reports = new Map<string, Promise<DriftReport>>();

/** The nearest folder at or above `dir` that holds the harness config. */
function findRoot(dir: string): string | null {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, HARNESS_CONFIG_FILE))) return d;
    if (dirname(d) === d) return null;
  }
}

function reportFor(root: string, rel: string, text: string): Promise<DriftReport> {
  const onDisk = existsSync(join(root, rel)) ? readFileSync(join(root, rel), 'utf8') : null;
  if (onDisk !== text) return checkDrift(loadHarnessConfig(root), { docOverrides: new Map([[rel, text]]) });
  let cached = reports.get(root);
  if (!cached) reports.set(root, (cached = checkDrift(loadHarnessConfig(root))));
  return cached;
}

/** The document repaired: what `orch drift --write` would write to it. */
function repaired(report: DriftReport, rel: string, text: string): string {
  return repairedText(text, report.repairs.filter((r) => r.file === rel && r.kind !== 'file'));
}

export default function remarkOrchDrift(this: Processor, options: RemarkOrchDriftOptions = {}) {
  // Compile the document as text (repaired when it drifts), never from the tree: prose stays byte for byte.
  (this as unknown as { compiler: (tree: Root, file: VFile) => string }).compiler = (_tree, file) => {
    const data = file.data as { orchDriftRepaired?: string };
    return data.orchDriftRepaired ?? String(file.value);
  };
  return async (_tree: Root, file: VFile): Promise<void> => {
    const path = file.path ? resolve(file.cwd, file.path) : null;
    if (path === null) return;
    const root = options.root ? resolve(options.root) : findRoot(dirname(path));
    if (root === null) return;
    const rel = relative(root, path).split(sep).join('/');
    const text = String(file.value);
    let report: DriftReport;
    try {
      report = await reportFor(root, rel, text);
    } catch (error) {
      file.message(`orch drift cannot check ${rel}: ${(error as Error).message}`, { ruleId: 'block-source', source: SOURCE });
      return;
    }
    for (const d of report.diagnostics.filter((x) => x.file === rel)) {
      file.message(`${rel}:${d.line}: ${d.message}`, { place: { line: d.line, column: d.column }, ruleId: d.ruleId, source: SOURCE });
    }
    const fixed = repaired(report, rel, text);
    if (fixed !== text) (file.data as { orchDriftRepaired?: string }).orchDriftRepaired = fixed;
  };
}
