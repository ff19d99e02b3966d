// One file's findings: LLM SDK imports and calls, spawns of agent CLIs, fetches of LLM hosts,
// unresolved spawns and fetches, and call-sites of the transport. Everything inside the
// transport's own body is the transport itself and is exempt.
import { ts } from 'ts-morph';
import { resolveCallee, type CalleeContext, type Target } from './callee.ts';
import { collectScopes, lookupName, opensScope } from './scopes.ts';
import { buildImportTable } from './imports.ts';
import { hostOf, matchesHost, programOf, staticText } from './literals.ts';
import { isFetchExport, spawnForm, type CommandForm } from './process-modules.ts';
import { matchesSdk } from './resolve-module.ts';
import { declarationName, symbolOf } from './symbols.ts';

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
}

/** Initializers of class properties and `this.x = ...` assignments, by `this.x`. */
function collectThisProps(sf: ts.SourceFile): Map<string, ts.Expression> {
  const props = new Map<string, ts.Expression>();
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyDeclaration(node) && node.initializer && ts.isIdentifier(node.name)) {
      props.set(`this.${node.name.text}`, node.initializer);
    } else if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(node.left) &&
      node.left.expression.kind === ts.SyntaxKind.ThisKeyword
    ) {
      const key = `this.${node.left.name.text}`;
      if (!props.has(key)) props.set(key, node.right);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return props;
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

const isStatement = (n: ts.Node) => n.kind >= ts.SyntaxKind.FirstStatement && n.kind <= ts.SyntaxKind.LastStatement;

export function analyzeFile(sf: ts.SourceFile, options: AnalyzeOptions): RawFinding[] {
  const imports = buildImportTable(sf);
  const scopes = collectScopes(sf);
  const isSdk = (m: string) => matchesSdk(m, options.sdks) !== null;
  const ctx: CalleeContext = { sf, imports, scopes, thisProps: collectThisProps(sf), isTransport: options.isTransport, localTransport: options.localTransport, isSdk };
  const findings: RawFinding[] = [];
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos);
  const push = (kind: FindingKind, node: ts.Node, symbol: string, stmtLine: number, detail: string, args?: ReturnType<typeof argumentLiterals>) => {
    const lc = lineOf(node.getStart(sf));
    const extra = args ? { literals: args.literals, roleLiterals: args.roles } : {};
    findings.push({ kind, line: lc.line + 1, column: lc.character + 1, statementLine: stmtLine, symbol, detail, ...extra });
  };
  /** Follows consts to their literal initializers, as seen from `chain`. */
  const literalLookup = (chain: readonly ts.Node[]) => (name: string) => {
    const found = lookupName(scopes, chain, name);
    return found?.decl.kind === 'init' ? found.decl.expr : undefined;
  };

  // SDK imports, reported where they are (a dynamic import inside a function names that function).
  // The transport's own file may import the SDK the transport uses.
  const sdkUses = new Map<ts.Node, string>();
  if (options.localTransport === null) {
    for (const use of imports.uses) if (!use.typeOnly && isSdk(use.module)) sdkUses.set(use.node, use.module);
  }

  const spawn = (form: CommandForm, arg: ts.Expression | ts.TemplateLiteral | undefined, node: ts.Node, symbol: string, stmt: number, chain: readonly ts.Node[]) => {
    const text = arg === undefined ? null : staticText(arg as ts.Expression, literalLookup(chain));
    const program = programOf(text, form === 'line');
    if (program === null) push('unresolved-spawn', node, symbol, stmt, node.getText(sf).split('\n')[0]?.slice(0, 80) ?? '');
    else if (options.agentClis.includes(program)) push('agent-spawn', node, symbol, stmt, program);
  };
  const fetchCall = (arg: ts.Expression | undefined, node: ts.Node, symbol: string, stmt: number, chain: readonly ts.Node[]) => {
    const url = hostOf(arg === undefined ? null : staticText(arg, literalLookup(chain)));
    if (url === null) push('unresolved-fetch', node, symbol, stmt, node.getText(sf).split('\n')[0]?.slice(0, 80) ?? '');
    else if (url !== 'relative' && matchesHost(url, options.hosts) !== null) push('llm-fetch', node, symbol, stmt, url.host);
  };
  const classify = (target: Target | null, node: ts.CallExpression | ts.NewExpression | ts.TaggedTemplateExpression, symbol: string, stmt: number, chain: readonly ts.Node[]) => {
    if (!target) return;
    const args = ts.isTaggedTemplateExpression(node) ? [] : [...(node.arguments ?? [])];
    if (target.kind === 'transport') {
      push('transport-call', node, symbol, stmt, (ts.isTaggedTemplateExpression(node) ? node.tag : node.expression).getText(sf), argumentLiterals(args));
    } else if (target.kind === 'fetch') {
      fetchCall(args[0], node, symbol, stmt, chain);
    } else if (target.kind === 'instance') {
      if (!ts.isNewExpression(node)) push('sdk-call', node, symbol, stmt, target.module);
    } else if (isSdk(target.module)) {
      if (!ts.isNewExpression(node)) push('sdk-call', node, symbol, stmt, target.module);
    } else if (isFetchExport(target.module, target.path)) {
      fetchCall(args[0], node, symbol, stmt, chain);
    } else {
      const sp = spawnForm(target.module, target.path);
      // `execa({ cwd })` only binds options; the call of what it returns is the spawn.
      const bindsOptions = args.length === 1 && ts.isObjectLiteralExpression(args[0] as ts.Expression);
      if (!sp || bindsOptions) return;
      if (ts.isTaggedTemplateExpression(node)) spawn('line', node.template, node, symbol, stmt, chain);
      else spawn(sp.form, args[0], node, symbol, stmt, chain);
    }
  };

  const walk = (node: ts.Node, chain: readonly string[], scopeChain: readonly ts.Node[], stmt: number, inTransport: boolean): void => {
    const name = declarationName(node);
    const nextChain = name === null ? chain : [...chain, name];
    const nextScopes = node !== sf && opensScope(node) ? [node, ...scopeChain] : scopeChain;
    const nextStmt = isStatement(node) ? lineOf(node.getStart(sf)).line + 1 : stmt;
    const entering =
      !inTransport && options.localTransport !== null && name === options.localTransport && chain.length === 0 && (ts.isFunctionDeclaration(node) || ts.isVariableDeclaration(node));
    const nowInTransport = inTransport || entering;
    const sdkModule = sdkUses.get(node);
    if (sdkModule !== undefined) push('sdk-import', node, symbolOf(chain), nextStmt, sdkModule);
    if (!nowInTransport && (ts.isCallExpression(node) || ts.isNewExpression(node) || ts.isTaggedTemplateExpression(node))) {
      const callee = ts.isTaggedTemplateExpression(node) ? node.tag : node.expression;
      classify(resolveCallee(callee, ctx, nextScopes), node, symbolOf(nextChain), nextStmt, nextScopes);
    }
    ts.forEachChild(node, (child) => walk(child, nextChain, nextScopes, nextStmt, nowInTransport));
  };
  walk(sf, [], [sf], 1, false);
  return findings;
}
