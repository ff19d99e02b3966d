// What a call is, once every declaration of the file is known: a call of the transport, a call
// that sends a request to a model through an SDK (constructing a client is not one), an HTTP
// request, or a spawn. One finding per call expression.
import type { ts as TS } from 'ts-morph';
import { ts } from '../ts.ts';
import { exportPath, resolveCallee, type CalleeContext, type Target } from '../callee.ts';
import { spawnForm } from '../process-modules.ts';
import { HTTP_VERBS } from '../rules/http.ts';
import { exportRule } from '../rules/sdks.ts';
import { firstLine, push, type ArgumentLiterals, type FileScan, type PendingCall } from './file-scan.ts';
import { classifyRequest } from './request.ts';
import { classifySpawn } from './spawn.ts';

/** Properties whose string value names the role a transport call runs (`{ role: 'reviewer' }`). */
const ROLE_PROPERTIES = new Set(['role', 'agent']);

/**
 * String literals among a call's arguments (also inside object and array literals, never inside
 * functions), and separately the values of `role:` / `agent:` properties.
 */
function argumentLiterals(args: readonly TS.Expression[]): ArgumentLiterals {
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

export function classifyCall(scan: FileScan, call: PendingCall): void {
  const { sf, ctx } = scan;
  const { node } = call;
  const tagged = ts.isTaggedTemplateExpression(node);
  const calleeExpr = tagged ? node.tag : node.expression;
  const targets = resolveCallee(calleeExpr, ctx, call.scopes);
  if (targets.length === 0) return;
  const calleeText = firstLine(scan, calleeExpr);
  const args = tagged ? [] : [...(node.arguments ?? [])];
  if (targets.some((t) => t.kind === 'transport')) {
    push(scan, 'transport-call', node, call.chain, call.stmt, calleeExpr.getText(sf), null, calleeText, argumentLiterals(args));
    return;
  }
  // Constructing a client is not a call to the model; its methods are.
  if (ts.isNewExpression(node)) return;
  for (const t of targets) {
    const sdk = sendsTo(t, ctx);
    if (sdk !== null) {
      push(scan, 'sdk-call', node, call.chain, call.stmt, t.kind === 'instance' || t.kind === 'module' ? t.module : sdk, sdk, calleeText);
      return;
    }
  }
  for (const t of targets) {
    if (t.kind === 'http' && (t.path.length === 0 || (t.path.length === 1 && HTTP_VERBS.has(t.path[0] as string)))) {
      classifyRequest(scan, t, args, call, calleeText);
      return;
    }
  }
  for (const t of targets) {
    if (t.kind !== 'module') continue;
    const sp = spawnForm(t.module, t.path);
    // `execa({ cwd })` only binds options; the call of what it returns is the spawn.
    const bindsOptions = args.length === 1 && ts.isObjectLiteralExpression(args[0] as TS.Expression);
    if (!sp || bindsOptions) continue;
    classifySpawn(scan, tagged ? 'line' : sp.form, tagged ? [node.template as TS.Expression] : args, call, calleeText);
    return;
  }
}
