// The compiled CLI (scripts/build.ts, bin/build-state.js, bin/orch.js): a build runs only while it
// is current, a stale one never runs, and the code finds its files as it does under tsx.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { execa } from 'execa';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { buildState, hashSources, readCurrent } from '../../bin/build-state.js';
import { BUILD_INPUTS, buildCli, rewriteImportMeta } from '../../scripts/build.ts';
import { scaled } from '../helpers/time.ts';

const ROOT = join(import.meta.dirname, '../..');
/** The node_modules packages resolve from: the repo's, or a parent's (a staged worktree under .orch/ has none of its own). */
const NODE_MODULES = (() => {
  const entry = createRequire(import.meta.url).resolve('commander');
  return entry.slice(0, entry.lastIndexOf(`${sep}node_modules${sep}`) + `${sep}node_modules`.length);
})();
const DESCRIPTION = 'orch: the core of a self-hosting orchestrator for AI-agent software delivery';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of what the build and the bin need (src/, bin/, scripts/build*.ts, tsconfig.json, package-lock.json), sharing node_modules. */
function copyOfRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'orch-build-'));
  temps.push(dir);
  for (const part of ['src', 'bin', 'tsconfig.json', 'package.json', 'package-lock.json']) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
  mkdirSync(join(dir, 'scripts'));
  for (const script of ['build.ts', 'build-ts-parser.ts']) cpSync(join(ROOT, 'scripts', script), join(dir, 'scripts', script));
  symlinkSync(NODE_MODULES, join(dir, 'node_modules'));
  return dir;
}

/** Replace `from` by `to` in a file; fails when `from` is not there (the test would prove nothing). */
function replaceIn(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  expect(text, file).toContain(from);
  writeFileSync(file, text.split(from).join(to));
}

/** The built chunk that holds `text` (the program's description). */
function builtChunkWith(root: string, text: string): string {
  const record = readCurrent(join(root, 'dist'));
  if (!record) throw new Error(`no build in ${root}`);
  const dir = join(root, 'dist', record.dir);
  const file = readdirSync(dir).find((f) => f.endsWith('.js') && readFileSync(join(dir, f), 'utf8').includes(text));
  if (!file) throw new Error(`no chunk of ${dir} holds ${JSON.stringify(text)}`);
  return join(dir, file);
}

const help = async (root: string) => (await execa(process.execPath, [join(root, 'bin/orch.js'), '--help'], { reject: false, timeout: scaled(60_000) })).stdout;

describe('bin/orch.js and the build', () => {
  it('runs a current build, never a stale one (an edited source falls back to tsx), and the rebuilt one again', async () => {
    const root = copyOfRepo();
    expect(buildState(root).state).toBe('absent');
    await buildCli({ root });
    expect(buildState(root).state).toBe('current');
    // Mark the build's output (the hash covers the sources, not the output): what runs shows which one ran.
    replaceIn(builtChunkWith(root, DESCRIPTION), DESCRIPTION, 'FROM-BUILD');
    expect(await help(root)).toContain('FROM-BUILD');

    replaceIn(join(root, 'src/cli/program.ts'), DESCRIPTION, 'FROM-SOURCE');
    expect(buildState(root).state).toBe('stale');
    const fallback = await help(root);
    expect(fallback).toContain('FROM-SOURCE');
    expect(fallback).not.toContain('FROM-BUILD');

    const rebuilt = await buildCli({ root, ifStale: true });
    expect(rebuilt.built).toBe(true);
    expect(buildState(root).state).toBe('current');
    replaceIn(builtChunkWith(root, 'FROM-SOURCE'), 'FROM-SOURCE', 'FROM-REBUILD');
    expect(await help(root)).toContain('FROM-REBUILD');
  });

  it('--if-stale builds nothing while the build is current; a changed tsconfig, build script or lockfile stales it', async () => {
    const root = copyOfRepo();
    const first = await buildCli({ root });
    const again = await buildCli({ root, ifStale: true });
    expect(again).toMatchObject({ built: false, record: { hash: first.record.hash } });
    expect(first.record.files).toEqual(expect.arrayContaining([...BUILD_INPUTS, 'src/cli/main.ts', 'src/cli/program.ts', 'src/cli/commands/drift.ts']));
    expect(first.record.files.some((f) => f.includes('node_modules'))).toBe(false);
    writeFileSync(join(root, 'tsconfig.json'), `${readFileSync(join(root, 'tsconfig.json'), 'utf8')}\n`);
    expect(buildState(root).state).toBe('stale');
    // Bundled packages (Kysely, zod, execa, ...) are part of the build: a changed lockfile stales it.
    await buildCli({ root });
    expect(buildState(root).state).toBe('current');
    writeFileSync(join(root, 'package-lock.json'), `${readFileSync(join(root, 'package-lock.json'), 'utf8')}\n`);
    expect(buildState(root).state).toBe('stale');
  });

  it('a deleted source stales the build; an unreadable record is no build', async () => {
    const root = copyOfRepo();
    const { record } = await buildCli({ root });
    rmSync(join(root, 'src/util/duration.ts'));
    expect(buildState(root).state).toBe('stale');
    expect(hashSources(root, record.files)).not.toBe(record.hash);
    writeFileSync(join(root, 'dist/current.json'), '{"hash": 1');
    expect(buildState(root).state).toBe('absent');
  });

  it('the code keeps finding docs/, fixtures/ and package.json relative to its source file', async () => {
    const root = copyOfRepo();
    replaceIn(join(root, 'package.json'), '"version": "0.1.0"', '"version": "9.9.9-copy"');
    await buildCli({ root });
    expect(buildState(root).state).toBe('current');
    const run = (args: string[]) => execa(process.execPath, [join(root, 'bin/orch.js'), ...args], { reject: false, timeout: scaled(60_000) });
    // program.ts and the lazily loaded scan command each read package.json next to their source.
    expect((await run(['--version'])).stdout.trim()).toBe('9.9.9-copy');
    const empty = mkdtempSync(join(tmpdir(), 'orch-build-scan-'));
    temps.push(empty);
    const sarif = JSON.parse((await run(['scan', empty, '--sarif'])).stdout) as { runs: { tool: { driver: { version: string } } }[] };
    expect(sarif.runs[0]?.tool.driver.version).toBe('9.9.9-copy');
  });
});

describe('rewriteImportMeta', () => {
  it('names the source file from dist/<build>/, two folders below the repo, and leaves strings that spell import.meta alone', async () => {
    const source = "const s: string = 'import.meta.url';\nexport const a = import.meta.dirname, b = import.meta.url, c = import.meta.filename, spelled = s;\n";
    const { contents, loader } = await rewriteImportMeta(source, 'src/x/y.ts');
    expect(loader).toBe('js');
    // Run the output as a chunk of /<tmp>/dist/abc/ would run: it must see the source's own paths.
    const root = mkdtempSync(join(tmpdir(), 'orch-meta-'));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    mkdirSync(join(root, 'dist', 'abc'), { recursive: true });
    writeFileSync(join(root, 'dist', 'abc', 'chunk.mjs'), contents);
    const mod = { ...((await import(pathToFileURL(join(root, 'dist', 'abc', 'chunk.mjs')).href)) as Record<string, string>) };
    expect(mod).toEqual({ a: join(root, 'src', 'x'), b: pathToFileURL(join(root, 'src', 'x', 'y.ts')).href, c: join(root, 'src', 'x', 'y.ts'), spelled: 'import.meta.url' });
  });

  it('leaves a file without import.meta as it is', async () => {
    expect(await rewriteImportMeta('export const x: number = 1;', 'src/a.ts')).toEqual({ contents: 'export const x: number = 1;', loader: 'ts' });
  });
});
