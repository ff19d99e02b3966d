// Naming where a finding sits without line numbers: the chain of named declarations around it
// (`Launcher.run`, `launchJob`, `api.send`), or `<module>` at the top level. Entry keys built
// from these names do not move when unrelated lines are added above.
import type { ts as TS } from 'ts-morph';
import { ts } from './ts.ts';

// The TypeScript namespace exposes its members through getters: read SyntaxKind once.
const SK = ts.SyntaxKind;

export const MODULE_SYMBOL = '<module>';

function nameText(name: TS.Node | undefined): string | null {
  if (!name) return null;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return null;
}

/** The name a node contributes to the symbol chain, or null when it adds none. */
export function declarationName(node: TS.Node): string | null {
  switch (node.kind) {
    case SK.FunctionDeclaration:
    case SK.ClassDeclaration:
      return (node as TS.FunctionDeclaration | TS.ClassDeclaration).name?.text ?? 'default';
    case SK.Constructor:
      return 'constructor';
    case SK.MethodDeclaration:
    case SK.PropertyDeclaration:
    case SK.GetAccessor:
    case SK.SetAccessor:
    case SK.PropertyAssignment:
      return nameText((node as TS.MethodDeclaration).name);
    case SK.VariableDeclaration: {
      const name = (node as TS.VariableDeclaration).name;
      return ts.isIdentifier(name) ? name.text : null;
    }
    case SK.FunctionExpression:
      return (node as TS.FunctionExpression).name?.text ?? null;
    default:
      return null;
  }
}

export function symbolOf(chain: readonly string[]): string {
  return chain.length === 0 ? MODULE_SYMBOL : chain.join('.');
}
