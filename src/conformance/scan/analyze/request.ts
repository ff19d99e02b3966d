// An HTTP request: its URL candidates (the argument, a client's base URL, an LLM base URL from the
// environment) decide between llm-fetch, unresolved-fetch and nothing.
import type { ts as TS } from 'ts-morph';
import { ts } from '../ts.ts';
import { unwrap, type Target } from '../callee.ts';
import { hostOf, matchesHost, staticTexts, type StaticText } from '../literals.ts';
import { LLM_ENV_URL } from '../rules/http.ts';
import { firstLine, lookupWithCallers, push, type FileScan, type PendingCall } from './file-scan.ts';

/** Properties of an HTTP request's options object that hold its URL. */
function urlProperty(obj: TS.ObjectLiteralExpression): TS.Expression | null {
  for (const p of obj.properties) {
    if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === 'url') return p.initializer;
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === 'url') return p.name;
  }
  return null;
}

const isLlmEnv = (name: string) => LLM_ENV_URL.test(name);

export function classifyRequest(scan: FileScan, t: Extract<Target, { kind: 'http' }>, args: readonly TS.Expression[], call: PendingCall, calleeText: string): void {
  const lookup = lookupWithCallers(scan.facts, call.scopes);
  const first = args[0] ? unwrap(args[0]) : undefined;
  const urlExpr = first && ts.isObjectLiteralExpression(first) ? urlProperty(first) : first;
  let urls: (StaticText | null)[] = urlExpr ? staticTexts(urlExpr, lookup, 0, isLlmEnv) : [];
  if (t.base.length > 0) {
    const bases = t.base.flatMap((b) => staticTexts(b.expr, lookupWithCallers(scan.facts, b.chain), 0, isLlmEnv));
    urls = urls.length === 0 ? bases : urls.flatMap((u) => (u !== null && /^[a-z][a-z0-9+.-]*:/i.test(u.text) ? [u] : bases.map((b) => (b === null || u === null ? b : b.configured || !b.complete ? b : { text: b.text.replace(/\/$/, '') + (u.text.startsWith('/') ? u.text : `/${u.text}`), complete: u.complete }))));
  }
  if (urls.length === 0) urls = [null];
  let unknown = false;
  for (const u of urls) {
    const url = hostOf(u);
    if (url === null) unknown = true;
    else if (url !== 'relative' && (url.host === 'configured' || matchesHost(url, scan.options.hosts) !== null)) {
      push(scan, 'llm-fetch', call.node, call.chain, call.stmt, url.host, url.host, calleeText);
      return;
    }
  }
  if (unknown) push(scan, 'unresolved-fetch', call.node, call.chain, call.stmt, firstLine(scan, call.node), null, calleeText);
}
