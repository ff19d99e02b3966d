// One file's findings: LLM SDK imports and calls, spawns of agent CLIs, fetches of LLM hosts,
// unresolved spawns and fetches, and call-sites of the transport. Everything inside the
// transport's own body is the transport itself and is exempt.
import { ts } from 'ts-morph';
import { resolveCallee, type CalleeContext, type Target } from './callee.ts';
import { createFacts, isTypeOnly, lookupName, recordNode } from './scopes.ts';
import { loadedModule } from './imports.ts';
import { buildImportTable } from './imports.ts';
import { hostOf, matchesHost, programOf, staticText } from './literals.ts';
import { isFetchExport, spawnForm, type CommandForm } from './process-modules.ts';
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
  /** The SDK module, the program, the URL, or the callee text, for messages. */
  readonly detail: string;
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
}

/** Properties whose string value names the role a transport call runs (`{ role: 'reviewer' }`). */
const ROLE_PROPERTIES = new Set(['role', 'agent']);

/**
 * String literals among a call's arguments (also inside object and array literals, never inside
 * functions), and separately the values of `role:` / `agent:` properties.
 */
function argumentLiterals(args: readonly ts.Expression[]): { literals: string[]; roles: string[] } {
  const literals: string[] = [];
  const roles: string[] = [];
  const visit = (n: ts.Node): void => {
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
const isStatement = (n: ts.Node) => n.kind >= FIRST_STATEMENT && n.kind <= LAST_STATEMENT;

/** A call seen during the walk, resolved once every declaration of the file is known. */
interface PendingCall {
  readonly node: ts.CallExpression | ts.NewExpression | ts.TaggedTemplateExpression;
  readonly chain: readonly string[];
  readonly scopes: readonly ts.Node[];
  readonly stmt: ts.Node;
}

export function analyzeFile(sf: ts.SourceFile, options: AnalyzeOptions): RawFinding[] {
  const imports = buildImportTable(sf);
  const facts = createFacts();
  const isSdk = options.isSdk;
  const ctx: CalleeContext = { sf, imports, scopes: facts.scopes, thisProps: facts.thisProps, isTransport: options.isTransport, localTransport: options.localTransport, isSdk };
  const found: Array<RawFinding & { readonly pos: number }> = [];
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos);
  // Lines, symbols and statement lines are computed only for findings: most nodes have none.
  const push = (kind: FindingKind, node: ts.Node, chain: readonly string[], stmt: ts.Node, detail: string, args?: ReturnType<typeof argumentLiterals>) => {
    const pos = node.getStart(sf);
    const lc = lineOf(pos);
    const statementLine = lineOf(stmt.getStart(sf)).line + 1;
    const extra = args ? { literals: args.literals, roleLiterals: args.roles } : {};
    found.push({ pos, kind, line: lc.line + 1, column: lc.character + 1, statementLine, symbol: symbolOf(chain), detail, ...extra });
  };
  const firstLine = (node: ts.Node) => node.getText(sf).split('\n')[0]?.slice(0, 80) ?? '';
  /** Follows consts to their literal initializers, as seen from `scopes`. */
  const literalLookup = (scopes: readonly ts.Node[]) => (name: string) => {
    const hit = lookupName(facts.scopes, scopes, name);
    return hit?.decl.kind === 'init' ? hit.decl.expr : undefined;
  };

  // SDK imports: the transport's own file may import the SDK the transport uses.
  const checkSdkUses = options.localTransport === null;
  const staticSdkUses = new Set(checkSdkUses ? imports.uses.filter((u) => !u.typeOnly && isSdk(u.module)).map((u) => u.node) : []);

  const spawn = (form: CommandForm, arg: ts.Expression | undefined, call: PendingCall) => {
    const text = arg === undefined ? null : staticText(arg, literalLookup(call.scopes));
    const program = programOf(text, form === 'line');
    if (program === null) push('unresolved-spawn', call.node, call.chain, call.stmt, firstLine(call.node));
    else if (options.agentClis.includes(program)) push('agent-spawn', call.node, call.chain, call.stmt, program);
  };
  const fetchCall = (arg: ts.Expression | undefined, call: PendingCall) => {
    const url = hostOf(arg === undefined ? null : staticText(arg, literalLookup(call.scopes)));
    if (url === null) push('unresolved-fetch', call.node, call.chain, call.stmt, firstLine(call.node));
    else if (url !== 'relative' && matchesHost(url, options.hosts) !== null) push('llm-fetch', call.node, call.chain, call.stmt, url.host);
  };
  const classify = (call: PendingCall) => {
    const { node } = call;
    const tagged = ts.isTaggedTemplateExpression(node);
    const target: Target | null = resolveCallee(tagged ? node.tag : node.expression, ctx, call.scopes);
    if (!target) return;
    const args = tagged ? [] : [...(node.arguments ?? [])];
    if (target.kind === 'transport') {
      push('transport-call', node, call.chain, call.stmt, (tagged ? node.tag : node.expression).getText(sf), argumentLiterals(args));
    } else if (target.kind === 'fetch') {
      fetchCall(args[0], call);
    } else if (target.kind === 'instance' || isSdk(target.module)) {
      // Constructing a client is not a call to the model; its methods are.
      if (!ts.isNewExpression(node)) push('sdk-call', node, call.chain, call.stmt, target.module);
    } else if (isFetchExport(target.module, target.path)) {
      fetchCall(args[0], call);
    } else {
      const sp = spawnForm(target.module, target.path);
      // `execa({ cwd })` only binds options; the call of what it returns is the spawn.
      const bindsOptions = args.length === 1 && ts.isObjectLiteralExpression(args[0] as ts.Expression);
      if (!sp || bindsOptions) return;
      spawn(tagged ? 'line' : sp.form, tagged ? (node.template as ts.Expression) : args[0], call);
    }
  };

  const calls: PendingCall[] = [];
  const walk = (node: ts.Node, chain: readonly string[], scopes: readonly ts.Node[], stmt: ts.Node, inTransport: boolean): void => {
    if (isTypeOnly(node)) return;
    const name = declarationName(node);
    const inner = recordNode(facts, node, scopes[0] as ts.Node);
    const nextScopes = inner === node ? [node, ...scopes] : scopes;
    const nextChain = name === null ? chain : [...chain, name];
    const nextStmt = isStatement(node) ? node : stmt;
    const entering =
      !inTransport && name !== null && name === options.localTransport && chain.length === 0 && (ts.isFunctionDeclaration(node) || ts.isVariableDeclaration(node));
    const nowInTransport = inTransport || entering;
    const kind = node.kind;
    if (kind === SK.CallExpression || kind === SK.NewExpression || kind === SK.TaggedTemplateExpression) {
      if (checkSdkUses && kind === SK.CallExpression) {
        const module = loadedModule(node);
        if (module !== null && isSdk(module)) push('sdk-import', node, chain, nextStmt, module);
      }
      if (!nowInTransport) calls.push({ node: node as PendingCall['node'], chain: nextChain, scopes: nextScopes, stmt: nextStmt });
    } else if (staticSdkUses.has(node)) {
      push('sdk-import', node, chain, nextStmt, (imports.uses.find((u) => u.node === node) as { module: string }).module);
    }
    forEachChild(node, (child) => walk(child, nextChain, nextScopes, nextStmt, nowInTransport));
  };
  walk(sf, [], [sf], sf, false);
  for (const call of calls) classify(call);
  // Source order, so ordinals in entry keys follow the file from top to bottom.
  return found.sort((a, b) => a.pos - b.pos).map(({ pos: _pos, ...f }) => f);
}
