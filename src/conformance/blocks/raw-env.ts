// Raw reads of ORCH_* settings: `process.env.ORCH_X` (also `process.env['ORCH_X']` and
// `const { ORCH_X } = process.env`) anywhere in the sources but the config registry's folder
// bypasses the registry (no validation, no default, no doc). Each is a config finding; a path
// listed under blocks.config.rawEnvAllowed, with the reason, is exempt.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.ts';
import type { ResolvedHarnessConfig } from '../config/load.ts';
import { listRepoFiles } from '../scan/gitignore.ts';
import { envName } from '../scan/literals.ts';
import { parseFile } from '../scan/parse.ts';
import type { ts as TS } from 'ts-morph';
import { ts } from '../scan/ts.ts';

const PREFIX = 'ORCH_';

export function rawEnvReads(config: ResolvedHarnessConfig, registryFile: string, allowed: readonly string[]): Diagnostic[] {
  const home = dirname(registryFile);
  const out: Diagnostic[] = [];
  const files = listRepoFiles(config.root, { extensions: config.extensions, sources: config.sources, ignore: config.ignore });
  for (const file of files) {
    if (file.startsWith(`${home}/`) || allowed.includes(file)) continue;
    const text = readFileSync(join(config.root, file), 'utf8');
    if (!text.includes(PREFIX) || !text.includes('env')) continue;
    const sf = parseFile(file, text);
    const report = (node: TS.Node, name: string) => {
      const lc = sf.getLineAndCharacterOfPosition(node.getStart(sf));
      out.push(diagnostic(file, lc.line + 1, lc.character + 1, 'config-raw-env', `reads ${name} from process.env directly; ORCH_* settings are read through the config registry (${registryFile}) and its loader, which validate them and give their defaults`));
    };
    const visit = (node: TS.Node): void => {
      if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
        const name = envName(node);
        if (name?.startsWith(PREFIX)) report(node, name);
      } else if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer && ts.isPropertyAccessExpression(node.initializer) && node.initializer.name.text === 'env' && ts.isIdentifier(node.initializer.expression) && node.initializer.expression.text === 'process') {
        for (const el of node.name.elements) {
          const key = el.propertyName ?? el.name;
          if (ts.isIdentifier(key) && key.text.startsWith(PREFIX)) report(el, key.text);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}
