// One file's findings: LLM SDK imports and calls, spawns of agent CLIs, HTTP requests to LLM
// hosts, unresolved spawns and fetches, and call-sites of the transport. Everything inside the
// transport's own body is the transport itself and is exempt. What counts as an SDK call is read
// from the rules table (rules/sdks.ts): constructing a client, a model handle or a prompt is not
// a call; the methods that send a request are. One finding per call expression.
import type { ts as TS } from 'ts-morph';
import { ts } from './ts.ts';
import { exportPath, resolveCallee, unwrap, type CalleeContext, type Target } from './callee.ts';
import { createFacts, isTypeOnly, lookupName, reaching, recordNode, type FileFacts } from './scopes.ts';
import { buildImportTable, loadedModule } from './imports.ts';
import { hostOf, matchesHost, programOf, staticText, staticTexts, type NameValue, type StaticText, type ValueLookup } from './literals.ts';
import { spawnForm, type CommandForm } from './process-modules.ts';
import { HTTP_VERBS, LLM_ENV_URL } from './rules/http.ts';
import { exportRule, type SdkRules } from './rules/sdks.ts';
import { declarationName, symbolOf } from './symbols.ts';

// The TypeScript namespace exposes its members through getters: read the hot ones once.
const { SyntaxKind: SK, forEachChild } = ts;

export const FINDING_KINDS = [
  'transport-call',
  'sdk-import',
  'sdk-call',
  'agent-spawn',
  'llm-fetch',
  'unresolved-spawn',
  'unresolved-fetch',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface RawFinding {
  readonly kind: FindingKind;
  readonly line: number;
  readonly column: number;
  /** First line of the statement holding the finding: a waiver on the line above it applies. */
  readonly statementLine: number;
  readonly symbol: string;
  /** The SDK module, the program, the URL host, or the callee text, for messages. */
  readonly detail: string;
  /** The SDK (its rules id), the agent CLI, or the LLM host (`configured` for an env base URL). */
  readonly sdk: string | null;
  /** The callee as written (first line, at most 80 characters); the module for an import. */
  readonly callee: string;
  /** String literals passed to a transport call (role or stage names). */
  readonly literals?: readonly string[];
  /** Values of `role:` / `agent:` properties passed to a transport call. */
  readonly roleLiterals?: readonly string[];
}

export interface AnalyzeOptions {
  readonly sdks: readonly string[];
  readonly agentClis: readonly string[];
  readonly hosts: readonly string[];
  /** The transport's name when it is declared in this file. */
  readonly localTransport: string | null;
  isTransport(module: string, path: readonly string[]): boolean;
  /** Whether a module specifier is an LLM SDK (memoised by the caller: specifiers repeat). */
  isSdk(module: string): boolean;
  /** The rules of an SDK module, null when it has none (then every call on it counts). */
  rulesOf(module: string): SdkRules | null;
  /** What another module of the repo exports under a name (an SDK client made there). */
  imported?(module: string, name: string): readonly Target[];
  /** Also report what this file exports that is an SDK handle (for files importing it). */
  readonly collectExports?: boolean;
}

export interface FileAnalysis {
  readonly findings: RawFinding[];
  /** Exported names whose value is an SDK handle, or a function returning one. */
  readonly exports: Map<string, Target[]>;
}

/** Properties whose string value names the role a transport call runs (`{ role: 'reviewer' }`). */
const ROLE_PROPERTIES = new Set(['role', 'agent']);

/**
 * String literals among a call's arguments (also inside object and array literals, never inside
 * functions), and separately the values of `role:` / `agent:` properties.
 */
function argumentLiterals(args: readonly TS.Expression[]): { literals: string[]; roles: string[] } {
  const literals: string[] = [];
  const roles: string[] = [];
  const visit = (n: TS.Node): void => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) {
      literals.push(n.text);
    } else if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name) && ROLE_PROPERTIES.has(n.name.text) && ts.isStringLiteralLike(n.initializer)) {
      roles.push(n.initializer.text);
    } else if (!ts.isFunctionLike(n)) {
      ts.forEachChild(n, visit);
    }
  };
  args.forEach(visit);
  return { literals, roles };
}

const FIRST_STATEMENT = SK.FirstStatement;
const LAST_STATEMENT = SK.LastStatement;
const isStatement = (n: TS.Node) => n.kind >= FIRST_STATEMENT && n.kind <= LAST_STATEMENT;

/** A call seen during the walk, resolved once every declaration of the file is known. */
interface PendingCall {
  readonly node: TS.CallExpression | TS.NewExpression | TS.TaggedTemplateExpression;
  readonly chain: readonly string[];
  readonly scopes: readonly TS.Node[];
  readonly stmt: TS.Node;
}

/** Does calling this candidate send a request to a model? The SDK id when it does. */
function sendsTo(t: Target, ctx: CalleeContext): string | null {
  if (t.kind === 'instance') {
    if (t.rules === null) return t.path.length > 0 ? t.module : null;
    return t.rules.handles[t.handle]?.sends.includes(t.path.join('.')) ? t.rules.id : null;
  }
  if (t.kind === 'module' && ctx.isSdk(t.module)) {
    const rules = ctx.rulesOf(t.module);
    if (rules === null) return t.module;
    return exportRule(rules, exportPath(t.path), t.module)?.call === 'send' ? rules.id : null;
  }
  return null;
}

/** Properties of an HTTP request's options object that hold its URL. */
function urlProperty(obj: TS.ObjectLiteralExpression): TS.Expression | null {
  for (const p of obj.properties) {
    if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === 'url') return p.initializer;
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === 'url') return p.name;
  }
  return null;
}

const isLlmEnv = (name: string) => LLM_ENV_URL.test(name);

export function analyzeFile(sf: TS.SourceFile, options: AnalyzeOptions): FileAnalysis {
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
  const found: Array<RawFinding & { readonly pos: number }> = [];
  const taken = new Set<number>();
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos);
  const firstLine = (node: TS.Node) => node.getText(sf).split('\n')[0]?.slice(0, 80) ?? '';
  // Lines, symbols and statement lines are computed only for findings: most nodes have none.
  const push = (kind: FindingKind, node: TS.Node, chain: readonly string[], stmt: TS.Node, detail: string, sdk: string | null, callee: string, args?: ReturnType<typeof argumentLiterals>) => {
    const pos = node.getStart(sf);
    if (taken.has(pos)) return;
    taken.add(pos);
    const lc = lineOf(pos);
    const statementLine = lineOf(stmt.getStart(sf)).line + 1;
    const extra = args ? { literals: args.literals, roleLiterals: args.roles } : {};
    found.push({ pos, kind, line: lc.line + 1, column: lc.character + 1, statementLine, symbol: symbolOf(chain), detail, sdk, callee, ...extra });
  };

  /** The values a name may hold at a use, as seen from `scopes`. */
  const lookupFrom = (scopes: readonly TS.Node[]): ValueLookup => (id) => {
    const hit = lookupName(facts.scopes, scopes, id.text);
    if (!hit) return [];
    const d = hit.decl;
    if (d.kind === 'var') return reaching(d.assigns, id.pos, scopes).map((a): NameValue => ({ expr: a.expr, lookup: lookupFrom(a.chain) }));
    if (d.kind === 'member') return [{ expr: d.expr, lookup: lookupFrom(d.chain), path: d.path }];
    return [];
  };

  // SDK imports: the transport's own file may import the SDK the transport uses.
  const checkSdkUses = options.localTransport === null;
  const valueNames = new Set<string>();

  const spawn = (form: CommandForm, args: readonly TS.Expression[], call: PendingCall, calleeText: string) => {
    const lookup = lookupFrom(call.scopes);
    const arg = args[0];
    const text = arg === undefined ? null : staticText(arg, lookup);
    const argvNode = args[1] ? unwrap(args[1]) : undefined;
    // argv words; a partly known word keeps its known head when it is a command line (`sh -c`).
    const word = (t: StaticText | null) => (t === null ? null : t.complete || /\s/.test(t.text.trim()) ? t.text : null);
    const argv = argvNode && ts.isArrayLiteralExpression(argvNode) ? argvNode.elements.map((el) => (ts.isSpreadElement(el) ? null : word(staticText(el, lookup)))) : [null];
    const program = programOf(text, form === 'line', argv);
    if (program === null) push('unresolved-spawn', call.node, call.chain, call.stmt, firstLine(call.node), null, calleeText);
    else if (options.agentClis.includes(program)) push('agent-spawn', call.node, call.chain, call.stmt, program, program, calleeText);
  };

  /** An HTTP request: its URL candidates decide between llm-fetch, unresolved-fetch and nothing. */
  const request = (t: Extract<Target, { kind: 'http' }>, args: readonly TS.Expression[], call: PendingCall, calleeText: string) => {
    const lookup = lookupFrom(call.scopes);
    const first = args[0] ? unwrap(args[0]) : undefined;
    const urlExpr = first && ts.isObjectLiteralExpression(first) ? urlProperty(first) : first;
    let urls: (StaticText | null)[] = urlExpr ? staticTexts(urlExpr, lookup, 0, isLlmEnv) : [];
    if (t.base.length > 0) {
      const bases = t.base.flatMap((b) => staticTexts(b.expr, lookupFrom(b.chain), 0, isLlmEnv));
      urls = urls.length === 0 ? bases : urls.flatMap((u) => (u !== null && /^[a-z][a-z0-9+.-]*:/i.test(u.text) ? [u] : bases.map((b) => (b === null || u === null ? b : b.configured || !b.complete ? b : { text: b.text.replace(/\/$/, '') + (u.text.startsWith('/') ? u.text : `/${u.text}`), complete: u.complete }))));
    }
    if (urls.length === 0) urls = [null];
    let unknown = false;
    for (const u of urls) {
      const url = hostOf(u);
      if (url === null) unknown = true;
      else if (url !== 'relative' && (url.host === 'configured' || matchesHost(url, options.hosts) !== null)) {
        push('llm-fetch', call.node, call.chain, call.stmt, url.host, url.host, calleeText);
        return;
      }
    }
    if (unknown) push('unresolved-fetch', call.node, call.chain, call.stmt, firstLine(call.node), null, calleeText);
  };

  const classify = (call: PendingCall) => {
    const { node } = call;
    const tagged = ts.isTaggedTemplateExpression(node);
    const calleeExpr = tagged ? node.tag : node.expression;
    const targets = resolveCallee(calleeExpr, ctx, call.scopes);
    if (targets.length === 0) return;
    const calleeText = firstLine(calleeExpr);
    const args = tagged ? [] : [...(node.arguments ?? [])];
    if (targets.some((t) => t.kind === 'transport')) {
      push('transport-call', node, call.chain, call.stmt, calleeExpr.getText(sf), null, calleeText, argumentLiterals(args));
      return;
    }
    // Constructing a client is not a call to the model; its methods are.
    if (ts.isNewExpression(node)) return;
    for (const t of targets) {
      const sdk = sendsTo(t, ctx);
      if (sdk !== null) {
        push('sdk-call', node, call.chain, call.stmt, t.kind === 'instance' || t.kind === 'module' ? t.module : sdk, sdk, calleeText);
        return;
      }
    }
    for (const t of targets) {
      if (t.kind === 'http' && (t.path.length === 0 || (t.path.length === 1 && HTTP_VERBS.has(t.path[0] as string)))) {
        request(t, args, call, calleeText);
        return;
      }
    }
    for (const t of targets) {
      if (t.kind !== 'module') continue;
      const sp = spawnForm(t.module, t.path);
      // `execa({ cwd })` only binds options; the call of what it returns is the spawn.
      const bindsOptions = args.length === 1 && ts.isObjectLiteralExpression(args[0] as TS.Expression);
      if (!sp || bindsOptions) continue;
      spawn(tagged ? 'line' : sp.form, tagged ? [node.template as TS.Expression] : args, call, calleeText);
      return;
    }
  };

  const calls: PendingCall[] = [];
  const walk = (node: TS.Node, chain: readonly string[], scopes: readonly TS.Node[], stmt: TS.Node, inTransport: boolean): void => {
    if (isTypeOnly(node)) return;
    const kind = node.kind;
    if (kind === SK.ImportDeclaration || kind === SK.ImportEqualsDeclaration) return;
    if (kind === SK.Identifier) {
      valueNames.add((node as TS.Identifier).text);
      return;
    }
    const name = declarationName(node);
    const opens = recordNode(facts, node, scopes);
    const nextScopes = opens ? [node, ...scopes] : scopes;
    const nextChain = name === null ? chain : [...chain, name];
    const nextStmt = isStatement(node) ? node : stmt;
    const entering =
      !inTransport && name !== null && name === options.localTransport && chain.length === 0 && (ts.isFunctionDeclaration(node) || ts.isVariableDeclaration(node));
    const nowInTransport = inTransport || entering;
    if (kind === SK.CallExpression || kind === SK.NewExpression || kind === SK.TaggedTemplateExpression) {
      if (checkSdkUses && kind === SK.CallExpression) {
        const module = loadedModule(node);
        if (module !== null && isSdk(module)) push('sdk-import', node, chain, nextStmt, module, options.rulesOf(module)?.id ?? module, module);
      }
      if (!nowInTransport) calls.push({ node: node as PendingCall['node'], chain: nextChain, scopes: nextScopes, stmt: nextStmt });
    }
    forEachChild(node, (child) => walk(child, nextChain, nextScopes, nextStmt, nowInTransport));
  };
  walk(sf, [], [sf], sf, false);

  // Static imports and re-exports: a finding when the file uses, in a value position, something
  // of the SDK that the rules know (a client class, a factory, a send function, a namespace).
  if (checkSdkUses) {
    for (const use of imports.uses) {
      if (use.typeOnly || !isSdk(use.module)) continue;
      const rules = options.rulesOf(use.module);
      const node = use.node;
      let counts = rules === null;
      if (!counts && ts.isImportDeclaration(node)) {
        counts = imports.bindingsOf(node).some((b) => !b.typeOnly && valueNames.has(b.local) && (b.imported === '*' || exportRule(rules as SdkRules, exportPath([b.imported]), use.module) !== null));
      } else if (!counts && ts.isExportDeclaration(node)) {
        const clause = node.exportClause;
        counts = !clause || ts.isNamespaceExport(clause) || clause.elements.some((el) => !el.isTypeOnly && exportRule(rules as SdkRules, exportPath([(el.propertyName ?? el.name).text]), use.module) !== null);
      } else if (!counts) {
        counts = true;
      }
      if (counts) push('sdk-import', node, [], node, use.module, rules?.id ?? use.module, use.module);
    }
  }
  for (const call of calls) classify(call);
  // Source order, so ordinals in entry keys follow the file from top to bottom.
  const findings = found.sort((a, b) => a.pos - b.pos).map(({ pos: _pos, ...f }) => f);
  return { findings, exports: options.collectExports ? exportedHandles(sf, ctx) : new Map() };
}

const hasExport = (n: TS.Node) => ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === SK.ExportKeyword);
const isDefault = (n: TS.Node) => ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === SK.DefaultKeyword);

/** What the file exports that is an SDK handle, or a function returning one (a client getter). */
function exportedHandles(sf: TS.SourceFile, ctx: CalleeContext): Map<string, Target[]> {
  const out = new Map<string, Target[]>();
  const top = [sf];
  const keep = (targets: readonly Target[]): Target[] => {
    const direct = targets.filter((t) => t.kind === 'instance');
    const fns = targets.filter((t): t is Extract<Target, { kind: 'function' }> => t.kind === 'function');
    const gives = fns.flatMap((f) => (ctx.facts.returns.get(f.node) ?? []).flatMap((a) => resolveCallee(a.expr, ctx, a.chain))).filter((t) => t.kind === 'instance');
    return gives.length > 0 ? [...direct, { kind: 'factory', gives }] : direct;
  };
  const ofName = (local: string): Target[] => {
    const hit = lookupName(ctx.facts.scopes, top, local);
    if (!hit) return [];
    if (hit.decl.kind === 'var') return keep(reaching(hit.decl.assigns, sf.end, top).flatMap((a) => resolveCallee(a.expr, ctx, a.chain)));
    if (hit.decl.kind === 'function') return keep([{ kind: 'function', node: hit.decl.node }]);
    return [];
  };
  const add = (name: string, targets: Target[]) => {
    if (targets.length > 0) out.set(name, targets);
  };
  for (const stmt of sf.statements) {
    if (ts.isVariableStatement(stmt) && hasExport(stmt)) {
      for (const d of stmt.declarationList.declarations) if (ts.isIdentifier(d.name)) add(d.name.text, ofName(d.name.text));
    } else if (ts.isFunctionDeclaration(stmt) && hasExport(stmt) && stmt.name) {
      add(isDefault(stmt) ? 'default' : stmt.name.text, ofName(stmt.name.text));
    } else if (ts.isExportAssignment(stmt)) {
      add('default', keep(resolveCallee(stmt.expression, ctx, top)));
    } else if (ts.isExportDeclaration(stmt) && !stmt.moduleSpecifier && stmt.exportClause && ts.isNamedExports(stmt.exportClause)) {
      for (const el of stmt.exportClause.elements) add(el.name.text, ofName((el.propertyName ?? el.name).text));
    }
  }
  return out;
}
