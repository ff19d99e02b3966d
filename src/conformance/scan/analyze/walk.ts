// The one walk over a file: records declarations and scopes (scopes.ts), the names used in value
// positions, `require()` / `import()` of an SDK, and every call outside the transport's own body,
// to classify once every declaration of the file is known.
import type { ts as TS } from 'ts-morph';
import { ts } from '../ts.ts';
import { loadedModule } from '../imports.ts';
import { isTypeOnly, recordNode } from '../scopes.ts';
import { declarationName } from '../symbols.ts';
import { push, type FileScan, type PendingCall } from './file-scan.ts';

// The TypeScript namespace exposes its members through getters: read the hot ones once.
const { SyntaxKind: SK, forEachChild } = ts;

const FIRST_STATEMENT = SK.FirstStatement;
const LAST_STATEMENT = SK.LastStatement;
const isStatement = (n: TS.Node) => n.kind >= FIRST_STATEMENT && n.kind <= LAST_STATEMENT;

export function walkFile(scan: FileScan): void {
  const { sf, options, facts, calls, valueNames, checkSdkUses } = scan;
  const isSdk = options.isSdk;
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
    if (kind === SK.CallExpression && (node as TS.CallExpression).expression.kind === SK.Identifier) {
      const callee = ((node as TS.CallExpression).expression as TS.Identifier).text;
      const list = facts.callsByName.get(callee);
      const site = { node: node as TS.CallExpression, scopes: nextScopes };
      if (list) list.push(site);
      else facts.callsByName.set(callee, [site]);
    }
    if (kind === SK.CallExpression || kind === SK.NewExpression || kind === SK.TaggedTemplateExpression) {
      if (checkSdkUses && kind === SK.CallExpression) {
        const module = loadedModule(node);
        if (module !== null && isSdk(module)) push(scan, 'sdk-import', node, chain, nextStmt, module, options.rulesOf(module)?.id ?? module, module);
      }
      if (!nowInTransport) calls.push({ node: node as PendingCall['node'], chain: nextChain, scopes: nextScopes, stmt: nextStmt });
    }
    forEachChild(node, (child) => walk(child, nextChain, nextScopes, nextStmt, nowInTransport));
  };
  walk(sf, [], [sf], sf, false);
}
