// MAIN_REGRESSION_MARKERS: every (ticket, symbol, file) resolves to an exported declaration of that
// name in that file, checked by the conformance harness's own resolver (declares()), the one
// `orch drift` uses. Derived from the registry, not a copy of it.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { declares, parseForMarkers } from '../../src/conformance/blocks/regression-markers.ts';
import { parseFile } from '../../src/conformance/scan/parse.ts';
import { MAIN_REGRESSION_MARKERS } from '../../src/merge/regression-markers.ts';

const ROOT = resolve(import.meta.dirname, '../..');

// Syntax only (no type checker, which would cost seconds), as in the harness.
const source = (text: string) => parseFile('case.ts', text);

describe('MAIN_REGRESSION_MARKERS', () => {
  it('holds at least the classifier, the gate check and the runner, each once', () => {
    const keys = MAIN_REGRESSION_MARKERS.map((m) => `${m.ticket}:${m.symbol}:${m.file}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(expect.arrayContaining(['ORCH-110:classifyRetestFailure:src/core/retest-classify.ts', 'ORCH-110:checkBranchMergeable:src/merge/check.ts']));
  });

  it.each(MAIN_REGRESSION_MARKERS.map((m) => [`${m.ticket} ${m.symbol}`, m] as const))('%s resolves to an export of its file', (_name, marker) => {
    expect(declares(parseForMarkers(resolve(ROOT, marker.file)), marker.symbol)).toBe(true);
  });

  it('a marker naming a missing symbol does not resolve', () => {
    expect(declares(parseForMarkers(resolve(ROOT, 'src/core/retest-classify.ts')), 'classify_retest_failure')).toBe(false);
  });
});

describe('declares()', () => {
  it.each([
    ['export function f() {}', 'f', true],
    ['function f() {}', 'f', false],
    ['function f() {}\nexport { f };', 'f', true],
    ['function f() {}\nexport { f as g };', 'f', true],
    ['export const f = () => 1;', 'f', true],
    ['const f = () => 1;', 'f', false],
    ['export class C { run() {} static make() {} }', 'C.run', true],
    ['export class C { run() {} static make() {} }', 'C.make', true],
    ['class C { run() {} }', 'C.run', false],
    ['export class C { run() {} }', 'C.stop', false],
    ['export interface I { a: 1 }', 'I', true],
    ['export type T = 1;', 'T', true],
    ['type T = 1;', 'T', false],
    ['export enum E { A }', 'E', true],
    ['export { f } from "./elsewhere.ts";', 'f', false],
    ['export class C { x = 1; get y() { return 1; } }', 'C.x', true],
    ['export class C { #run() {} }', 'C.run', false],
    ['export const a = 1, f = () => 1;', 'f', true],
    ['export default function f() {}', 'f', true],
    ['export function g() {}', 'f', false],
  ])('%j declares %s: %s', (text, symbol, expected) => {
    expect(declares(source(text), symbol)).toBe(expected);
  });
});
