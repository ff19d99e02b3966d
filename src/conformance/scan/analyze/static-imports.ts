// Static imports and re-exports: a finding when the file uses, in a value position, something of
// the SDK that the rules know (a client class, a factory, a send function, a namespace).
import { ts } from '../ts.ts';
import { exportPath } from '../callee.ts';
import { exportRule, type SdkRules } from '../rules/sdks.ts';
import { push, type FileScan } from './file-scan.ts';

/** Run after walkFile (it needs the names the file uses in value positions). */
export function staticSdkImports(scan: FileScan): void {
  const { options, imports, valueNames } = scan;
  if (!scan.checkSdkUses) return;
  const isSdk = options.isSdk;
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
    if (counts) push(scan, 'sdk-import', node, [], node, use.module, rules?.id ?? use.module, use.module);
  }
}
