// The TypeScript parser `orch scan` loads in the compiled CLI (dist/<hash>/ts-parser.cjs): the
// scanner/parser part of the compiler ts-morph bundles, cut out of its 9 MB file. A fresh
// `orch scan` otherwise spends a quarter of a second loading the checker, the emitter and the
// language service it never runs (docs/decisions.md, "The scanner's own TypeScript parser").
//
// typescript.js is one esbuild bundle: top-level declarations in one scope, namespaces filled by
// `((X2) => { ... })(X || (X = {}))`, and one `__export(typescript_exports, {...})` list. The cut
// keeps what the roots reach: every top-level statement belongs to the name it declares or fills
// (an assignment to its leftmost name, an `__export` to its first argument, a call to its callee),
// and a kept statement keeps every top-level name it mentions (property names aside), shadowed or
// not, so the cut can keep too much but never too little. Public names left out are listed under
// `__absent`: src/conformance/scan/ts.ts serves them from the full compiler, loaded on first use.
//
// Cutting parses 9 MB with TypeScript (seconds), so the result (minified by esbuild) is cached in the .cache folder of
// the node_modules that holds ts-morph, keyed by the bytes of typescript.js and of this script.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { transformSync } from 'esbuild';
import type { ts as TS } from 'ts-morph';

/** ts-morph's bundled compiler, the one the scanner's types and the full fallback come from. */
export function typescriptFile(): string {
  const fromTsMorph = createRequire(createRequire(import.meta.url).resolve('ts-morph'));
  return fromTsMorph.resolve('@ts-morph/common/dist/typescript.js');
}

/**
 * What the scanner calls (src/conformance/scan, src/conformance/blocks/raw-env.ts), besides every
 * node-kind guard (`is` + a SyntaxKind name), which is kept by rule. A name missing here still
 * works, through the full compiler; tests/conformance/ts-parser.test.ts checks the scanner uses
 * none (it derives the names from the sources).
 */
export const PARSER_ROOTS: readonly string[] = Object.freeze([
  'SyntaxKind',
  'ScriptKind',
  'ScriptTarget',
  'JSDocParsingMode',
  'NodeFlags',
  'createSourceFile',
  'forEachChild',
  'getModifiers',
  'canHaveModifiers',
  'getLeadingCommentRanges',
  'getTrailingCommentRanges',
  'getJSDocTags',
  'parseConfigFileTextToJson',
  'isStringLiteralLike',
  'isFunctionLike',
  // The scan cache's identity under tsx, in a copy without a lockfile (src/conformance/scan/cache.ts).
  'version',
]);

/** Node classes with the methods the scanner calls on nodes (getStart, getText, getLineAndCharacterOfPosition). */
const NODE_CLASSES = ['NodeObject', 'TokenObject', 'IdentifierObject', 'PrivateIdentifierObject', 'SourceFileObject'];
const ALLOCATOR = `setObjectAllocator({ ...objectAllocator, ${NODE_CLASSES.map((c) => `get${c.replace(/Object$/, '')}Constructor: () => ${c}`).join(', ')} });`;

const OPEN = 'var ts = {}; ((module) => {\n';
const CLOSE = '})({ get exports()';

type Ts = typeof TS;

/** The cut module's source text. */
export function cutParser(ts: Ts, source: string): string {
  const start = source.indexOf(OPEN);
  const end = source.lastIndexOf(CLOSE);
  if (start < 0 || end < 0) throw new Error('typescript.js is not laid out as expected (no module wrapper)');
  const body = source.slice(start + OPEN.length, end);
  const sf = ts.createSourceFile('typescript.js', body, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const stmts = sf.statements;

  const owners = new Map<string, number[]>();
  const own = (name: string, i: number) => {
    const list = owners.get(name);
    if (list) list.push(i);
    else owners.set(name, [i]);
  };
  const declared = (s: TS.Statement): string[] | null => {
    if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) return [s.name.text];
    if (ts.isVariableStatement(s)) return s.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : []));
    return null;
  };
  stmts.forEach((s, i) => declared(s)?.forEach((n) => own(n, i)));

  const leftmost = (e: TS.Expression): string | null => {
    let x = e;
    while (ts.isPropertyAccessExpression(x) || ts.isElementAccessExpression(x) || ts.isCallExpression(x) || ts.isParenthesizedExpression(x)) x = x.expression;
    return ts.isIdentifier(x) ? x.text : null;
  };
  const firstDeclared = (node: TS.Node): string | null => {
    let found: string | null = null;
    const visit = (x: TS.Node): void => {
      if (found !== null) return;
      if (ts.isIdentifier(x) && owners.has(x.text)) found = x.text;
      else ts.forEachChild(x, visit);
    };
    visit(node);
    return found;
  };

  // The public names: `__export(typescript_exports, { Name: () => local, ... })`.
  const publicNames = new Map<string, string>();
  const kept = new Set<number>();
  stmts.forEach((s, i) => {
    if (declared(s)) return;
    let owner: string | null = null;
    if (ts.isExpressionStatement(s)) {
      const e = s.expression;
      if (ts.isStringLiteral(e)) {
        kept.add(i); // "use strict"
        return;
      }
      if (ts.isBinaryExpression(e)) {
        // `0 && (module.exports = {...})` (a hint for cjs-module-lexer) and `module.exports = ...`: the wrapper's, dropped.
        if (e.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken || leftmost(e.left) === 'module') return;
        if (e.operatorToken.kind === ts.SyntaxKind.EqualsToken) owner = leftmost(e.left);
      } else if (ts.isCallExpression(e)) {
        const callee = ts.isParenthesizedExpression(e.expression) ? e.expression.expression : e.expression;
        const [first] = e.arguments;
        if (ts.isArrowFunction(callee) || ts.isFunctionExpression(callee)) owner = first ? firstDeclared(first) : null;
        else if (ts.isIdentifier(callee) && callee.text === '__export' && first) {
          owner = leftmost(first);
          if (owner === 'typescript_exports') {
            const list = e.arguments[1];
            if (list && ts.isObjectLiteralExpression(list)) {
              for (const p of list.properties) {
                if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && ts.isArrowFunction(p.initializer) && ts.isIdentifier(p.initializer.body)) publicNames.set(p.name.text, p.initializer.body.text);
              }
            }
            return;
          }
        } else owner = leftmost(callee);
        // The language service's allocator brings the whole service layer (its Symbol and Signature classes); ALLOCATOR replaces it.
        if (owner === 'setObjectAllocator') return;
      }
    } else if (ts.isIfStatement(s)) {
      owner = firstDeclared(s.expression) ?? firstDeclared(s.thenStatement);
    } else if (ts.isBlock(s) && s.statements.length === 0) {
      return;
    }
    if (owner === null || !owners.has(owner)) throw new Error(`typescript.js: no owner for the top-level statement at ${sf.getLineAndCharacterOfPosition(s.getStart(sf)).line + 1}`);
    own(owner, i);
  });
  if (publicNames.size === 0) throw new Error('typescript.js: no export list found');

  const mentions = (s: TS.Node): Set<string> => {
    const out = new Set<string>();
    const visit = (n: TS.Node): void => {
      if (ts.isIdentifier(n)) out.add(n.text);
      else if (ts.isPropertyAccessExpression(n)) visit(n.expression);
      else if ((ts.isPropertyAssignment(n) || ts.isMethodDeclaration(n) || ts.isPropertyDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n)) && ts.isIdentifier(n.name)) {
        ts.forEachChild(n, (c) => (c === n.name ? undefined : visit(c)));
      } else ts.forEachChild(n, visit);
    };
    visit(s);
    return out;
  };

  const kinds = new Set(Object.keys(ts.SyntaxKind).filter((k) => Number.isNaN(Number(k))));
  const rootPublic = [...PARSER_ROOTS, ...[...publicNames.keys()].filter((n) => n.startsWith('is') && kinds.has(n.slice(2)))];
  const wanted = new Set<string>();
  const queue: number[] = [];
  const want = (name: string) => {
    if (wanted.has(name)) return;
    wanted.add(name);
    for (const i of owners.get(name) ?? []) {
      if (!kept.has(i)) {
        kept.add(i);
        queue.push(i);
      }
    }
  };
  for (const name of [...rootPublic.map((n) => publicNames.get(n) ?? n), 'setObjectAllocator', 'objectAllocator', ...NODE_CLASSES]) {
    if (!owners.has(name)) throw new Error(`typescript.js declares no ${name}`);
    want(name);
  }
  for (let i = queue.pop(); i !== undefined; i = queue.pop()) for (const id of mentions(stmts[i] as TS.Statement)) if (owners.has(id)) want(id);

  const exported = [...publicNames].filter(([, local]) => wanted.has(local));
  const absent = [...publicNames.keys()].filter((n) => !wanted.has(publicNames.get(n) as string));
  const parts = stmts.flatMap((s, i) => (kept.has(i) ? [body.slice(s.pos, s.end)] : []));
  return [
    source.slice(0, start).trim(), // the licence notice
    ...parts,
    `\n${ALLOCATOR}`,
    `module.exports = { ${exported.map(([name, local]) => (name === local ? name : `${name}: ${local}`)).join(', ')} };`,
    `module.exports.__absent = ${JSON.stringify(absent)};\n`,
  ].join('\n');
}

/** Write the cut parser to `outFile`, from the cache when typescript.js and this script are unchanged. */
export function buildTsParser(outFile: string): { cached: boolean } {
  const file = typescriptFile();
  const cacheDir = join(file.slice(0, file.lastIndexOf(`${sep}node_modules${sep}`) + `${sep}node_modules`.length), '.cache', 'orch-ts-parser');
  const source = readFileSync(file);
  const key = createHash('sha256').update(source).update('\0').update(readFileSync(import.meta.filename)).digest('hex').slice(0, 24);
  const cached = join(cacheDir, `ts-parser-${key}.cjs`);
  let text: string;
  let hit = true;
  try {
    text = readFileSync(cached, 'utf8');
  } catch {
    hit = false;
    const ts = createRequire(import.meta.url)(file) as Ts;
    // Minified, the file and its V8 code cache load faster (1.5 MB -> 0.9 MB of source).
    text = transformSync(cutParser(ts, source.toString('utf8')), { loader: 'js', minify: true, legalComments: 'inline' }).code;
    try {
      mkdirSync(cacheDir, { recursive: true });
      const tmp = `${cached}.${process.pid}`;
      writeFileSync(tmp, text);
      renameSync(tmp, cached);
    } catch {
      // Only the next build's speed is lost.
    }
  }
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, text);
  return { cached: hit };
}
