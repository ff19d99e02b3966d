// The state of one file's analysis, shared by its steps (walk, classify, the static imports): the
// callee context, the findings so far (one per node), the calls waiting to be classified, and the
// names used in value positions.
import type { ts as TS } from 'ts-morph';
import { ts } from '../ts.ts';
import type { AnalyzeOptions, FindingKind, RawFinding } from '../analyze.ts';
import type { CalleeContext } from '../callee.ts';
import { buildImportTable, type ImportTable } from '../imports.ts';
import type { NameValue, ValueLookup } from '../literals.ts';
import { createFacts, lookupName, reaching, type FileFacts } from '../scopes.ts';
import { symbolOf } from '../symbols.ts';

/** A call seen during the walk, resolved once every declaration of the file is known. */
export interface PendingCall {
  readonly node: TS.CallExpression | TS.NewExpression | TS.TaggedTemplateExpression;
  readonly chain: readonly string[];
  readonly scopes: readonly TS.Node[];
  readonly stmt: TS.Node;
}

/** String literals passed to a transport call, and the values of its `role:` / `agent:` properties. */
export interface ArgumentLiterals {
  readonly literals: string[];
  readonly roles: string[];
}

export interface FileScan {
  readonly sf: TS.SourceFile;
  readonly options: AnalyzeOptions;
  readonly imports: ImportTable;
  readonly facts: FileFacts;
  readonly ctx: CalleeContext;
  readonly found: Array<RawFinding & { readonly pos: number }>;
  readonly taken: Set<number>;
  readonly calls: PendingCall[];
  readonly valueNames: Set<string>;
  /** SDK imports count: the transport's own file may import the SDK the transport uses. */
  readonly checkSdkUses: boolean;
}

export function createFileScan(sf: TS.SourceFile, options: AnalyzeOptions): FileScan {
  const imports = buildImportTable(sf);
  const facts: FileFacts = createFacts();
  const isSdk = options.isSdk;
  const ctx: CalleeContext = {
    sf,
    imports,
    facts,
    isTransport: options.isTransport,
    localTransport: options.localTransport,
    isSdk,
    rulesOf: (m) => (isSdk(m) ? options.rulesOf(m) : null),
    imported: options.imported ?? (() => []),
  };
  return { sf, options, imports, facts, ctx, found: [], taken: new Set(), calls: [], valueNames: new Set(), checkSdkUses: options.localTransport === null };
}

/** The callee as written: its first line, at most 80 characters (read in place: a callee may span a whole callback). */
export function firstLine(scan: FileScan, node: TS.Node): string {
  const text = scan.sf.text;
  const start = node.getStart(scan.sf);
  const newline = text.indexOf('\n', start);
  const end = Math.min(node.end, newline === -1 ? node.end : newline, start + 80);
  return text.slice(start, end);
}

/** Record a finding at `node` (one per node). Lines, symbols and statement lines are computed only for findings: most nodes have none. */
export function push(scan: FileScan, kind: FindingKind, node: TS.Node, chain: readonly string[], stmt: TS.Node, detail: string, sdk: string | null, callee: string, args?: ArgumentLiterals): void {
  const { sf } = scan;
  const pos = node.getStart(sf);
  if (scan.taken.has(pos)) return;
  scan.taken.add(pos);
  const lc = sf.getLineAndCharacterOfPosition(pos);
  const statementLine = sf.getLineAndCharacterOfPosition(stmt.getStart(sf)).line + 1;
  const extra = args ? { literals: args.literals, roleLiterals: args.roles } : {};
  scan.found.push({ pos, kind, line: lc.line + 1, column: lc.character + 1, statementLine, symbol: symbolOf(chain), detail, sdk, callee, ...extra });
}

/**
 * As lookupFrom, and a parameter also holds what the file's own calls of its function pass, and
 * its default: `post(url)` inside `const post = (url) => fetch(url)` holds every `post('https://...')`
 * argument. Other callers may exist (another file, a callback), so the parameter itself stays a
 * candidate of unknown value. Request URLs use it: one LLM host among the candidates is an LLM request.
 */
export function lookupWithCallers(facts: FileFacts, scopes: readonly TS.Node[]): ValueLookup {
  return lookupFrom(facts, scopes, new Set());
}

/** The name a function is called by in its file: its declared name, or the const it initialises. */
function functionName(facts: FileFacts, fn: TS.Node): string | null {
  if (ts.isFunctionDeclaration(fn)) return fn.name?.text ?? null;
  return facts.fnNames.get(fn) ?? null;
}

/**
 * The values a name may hold at a use, as seen from `scopes`. With `callers` (the functions whose
 * parameters are being followed already), parameters are followed to the file's calls too.
 */
export function lookupFrom(facts: FileFacts, scopes: readonly TS.Node[], callers?: ReadonlySet<TS.Node>): ValueLookup {
  return (id) => {
    const hit = lookupName(facts.scopes, scopes, id.text);
    if (!hit) return [];
    const d = hit.decl;
    if (d.kind === 'var') return reaching(d.assigns, id.pos, scopes).map((a): NameValue => ({ expr: a.expr, lookup: lookupFrom(facts, a.chain, callers) }));
    if (d.kind === 'member') return [{ expr: d.expr, lookup: lookupFrom(facts, d.chain, callers), path: d.path }];
    if (d.kind !== 'param' || callers === undefined) return [];
    const unknown: NameValue = { expr: d.name, lookup: () => [] };
    if (callers.has(d.fn)) return [unknown];
    const inner = new Set([...callers, d.fn]);
    const values: NameValue[] = [unknown];
    if (d.initializer) values.push({ expr: d.initializer, lookup: lookupFrom(facts, d.chain, inner) });
    const name = functionName(facts, d.fn);
    for (const site of name === null ? [] : (facts.callsByName.get(name) ?? [])) {
      const callee = lookupName(facts.scopes, site.scopes, name as string)?.decl;
      const same = callee?.kind === 'function' ? callee.node === d.fn : callee?.kind === 'var' && callee.assigns.some((a) => a.expr === d.fn);
      const arg = site.node.arguments[d.index];
      if (same && arg && !ts.isSpreadElement(arg)) values.push({ expr: arg, lookup: lookupFrom(facts, site.scopes, inner) });
    }
    return values;
  };
}
