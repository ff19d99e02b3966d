// Naming where a finding sits without line numbers: the chain of named declarations around it
// (`Launcher.run`, `launchJob`, `api.send`), or `<module>` at the top level. Entry keys built
// from these names do not move when unrelated lines are added above.
import { ts } from 'ts-morph';

export const MODULE_SYMBOL = '<module>';

function nameText(name: ts.Node | undefined): string | null {
  if (!name) return null;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return null;
}

/** The name a node contributes to the symbol chain, or null when it adds none. */
export function declarationName(node: ts.Node): string | null {
  if (ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) return node.name?.text ?? 'default';
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (
    ts.isMethodDeclaration(node) ||
    ts.isPropertyDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node) ||
    ts.isPropertyAssignment(node)
  ) {
    return nameText(node.name);
  }
  if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) return node.name.text;
  if (ts.isFunctionExpression(node) && node.name) return node.name.text;
  return null;
}

export function symbolOf(chain: readonly string[]): string {
  return chain.length === 0 ? MODULE_SYMBOL : chain.join('.');
}
