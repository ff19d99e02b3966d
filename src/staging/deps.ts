// Dependencies in the task worktree (issue 13.1): a fresh git worktree has no node_modules, so a
// bare `npm test` finds none of its tools and the suite "fails" with 127. Before the staging suite
// and before the merge gate's re-test, orch installs the repository's dependencies into the
// worktree, with the package manager its lockfile names, and keeps each finished install in a
// cache under ORCH_HOME keyed by everything that decides its contents (lockfile bytes,
// package.json bytes, the command, Node's major version, the platform). The next stage of the same
// key gets the cached tree by hard-link copy (`cp -al`): no network, no package manager, well under
// a second. A branch that edits package.json or its lockfile has another key, so a fresh install.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import type { Config } from '../config/keys.ts';
import { InvalidInputError } from '../errors.ts';
import { procOptionsFromConfig, runInGroup, type RunResult } from '../proc/index.ts';
import type { RunProcOptions } from '../launcher/types.ts';
import { parseSuiteCommand } from '../config/suite-command.ts';
import { ensureIgnored } from '../git/exclude.ts';
import { suiteEnv } from './suite.ts';

/** The lockfiles orch reads, in the order it looks for them, and the install each one asks for. */
export const LOCKFILES = Object.freeze([
  { file: 'pnpm-lock.yaml', manager: 'pnpm', argv: ['pnpm', 'install', '--frozen-lockfile'] },
  { file: 'yarn.lock', manager: 'yarn', argv: ['yarn', 'install', '--frozen-lockfile', '--non-interactive'] },
  { file: 'package-lock.json', manager: 'npm', argv: ['npm', 'ci', '--no-audit', '--no-fund'] },
  { file: 'npm-shrinkwrap.json', manager: 'npm', argv: ['npm', 'ci', '--no-audit', '--no-fund'] },
] as const);

/** No lockfile in the worktree (none committed, or the repo ignores it): npm install, writing none. */
export const NO_LOCKFILE_ARGV: readonly string[] = Object.freeze(['npm', 'install', '--no-audit', '--no-fund', '--no-package-lock']);

/** The file inside an installed node_modules naming the key it was installed for. */
export const KEY_FILE = '.orch-deps-key';

export interface InstallPlan {
  readonly argv: readonly string[];
  readonly manager: string;
  /** The lockfile read, or null. */
  readonly lockfile: string | null;
  readonly key: string;
  /** Where the config came from: auto (from the lockfile) or ORCH_STAGING_INSTALL_CMD. */
  readonly source: 'auto' | 'ORCH_STAGING_INSTALL_CMD';
}

export type DepsResult =
  /** Nothing to install: no package.json, or ORCH_STAGING_INSTALL_CMD=none. */
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'ready'; readonly from: 'worktree' | 'cache' | 'install'; readonly plan: InstallPlan; readonly durationMs: number; readonly note: string | null }
  | { readonly kind: 'failed'; readonly plan: InstallPlan; readonly line: string; readonly result: RunResult; readonly durationMs: number; readonly note: string | null };

export interface DepsOptions {
  /** ORCH_STAGING_INSTALL_CMD: '' auto, 'none' off, else a command line (no shell). */
  readonly installCmd: string;
  /** `$ORCH_HOME/cache/deps`. */
  readonly cacheDir: string;
  readonly logDir: string;
  readonly timeoutMs: number;
  readonly graceMs: number;
  readonly treeKill: boolean;
}

export function depsOptionsFromConfig(config: Config, cwd = process.cwd()): DepsOptions {
  const home = resolve(cwd, config.ORCH_HOME);
  return {
    installCmd: config.ORCH_STAGING_INSTALL_CMD,
    cacheDir: join(home, 'cache', 'deps'),
    logDir: join(home, 'runs', 'install'),
    timeoutMs: Math.round(config.ORCH_STAGING_INSTALL_TIMEOUT_S * 1000),
    ...procOptionsFromConfig(config),
  };
}

/** What would be installed in `worktree`, or null when there is nothing to install. */
export function planInstall(installCmd: string, worktree: string): InstallPlan | null {
  const configured = installCmd.trim();
  if (configured === 'none') return null;
  const manifest = join(worktree, 'package.json');
  if (!existsSync(manifest)) return null;
  const lock = LOCKFILES.find((l) => existsSync(join(worktree, l.file))) ?? null;
  let argv: readonly string[];
  let source: InstallPlan['source'] = 'auto';
  if (configured !== '') {
    const words = parseSuiteCommand(configured);
    if (words === null) throw new InvalidInputError('ORCH_STAGING_INSTALL_CMD is empty after splitting');
    argv = words;
    source = 'ORCH_STAGING_INSTALL_CMD';
  } else argv = lock ? lock.argv : NO_LOCKFILE_ARGV;
  const hash = createHash('sha256');
  const part = (name: string, bytes: string | Buffer) => {
    hash.update(`${name}\0${Buffer.byteLength(bytes)}\0`);
    hash.update(bytes);
  };
  part('argv', JSON.stringify(argv));
  part('package.json', readFileSync(manifest));
  part('lockfile', lock ? Buffer.concat([Buffer.from(`${lock.file}\0`), readFileSync(join(worktree, lock.file))]) : '');
  part('node', process.versions.node.split('.')[0] ?? '');
  part('platform', `${process.platform}-${process.arch}`);
  return { argv, manager: source === 'auto' ? (lock?.manager ?? 'npm') : (argv[0] ?? 'custom'), lockfile: lock?.file ?? null, key: hash.digest('hex').slice(0, 32), source };
}

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;

/** Whether the worktree's package.json names any dependency (or workspaces, which install too). */
export function declaresDependencies(worktree: string): boolean {
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(readFileSync(join(worktree, 'package.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return true; // unreadable: let the package manager say what is wrong with it
  }
  if (pkg.workspaces !== undefined) return true;
  return DEPENDENCY_FIELDS.some((f) => {
    const deps = pkg[f];
    return deps !== null && typeof deps === 'object' && Object.keys(deps).length > 0;
  });
}

function readKey(nodeModules: string): string | null {
  try {
    return readFileSync(join(nodeModules, KEY_FILE), 'utf8').trim();
  } catch {
    return null;
  }
}

/** A hard-link copy of a tree (GNU/BSD cp -al); the cache and the worktree share the file bodies. */
async function linkCopy(from: string, to: string): Promise<void> {
  await execa('cp', ['-al', from, to]);
}

/**
 * The one line that says why an install failed: the package manager's own error line (npm's
 * `404 Not Found - GET ...`, pnpm's `ERR_PNPM_...`), else the last line it printed.
 */
export function installErrorLine(stderr: string, stdout = ''): string {
  const lines = `${stderr}\n${stdout}`
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const noise = /complete log of this run|^npm (error|ERR!) *(code\s+\S+|\d+)?\s*$|^npm (error|ERR!) (errno|syscall|path) /i;
  let code = '';
  for (const raw of lines) {
    const m = /^npm (?:error|ERR!) code (\S+)/i.exec(raw);
    if (m) code = m[1] ?? '';
  }
  const errorish = lines.find((l) => /\b(error|err!|ERR_[A-Z_]+)\b/i.test(l) && !noise.test(l));
  const line = (errorish ?? lines[lines.length - 1] ?? 'no output').replace(/^npm (error|ERR!) (\d+ )?/i, '').replace(/^error /i, '');
  return code && !line.includes(code) ? `${code}: ${line}` : line;
}

export interface PrepareInput {
  readonly worktree: string;
  /** The repository the worktree belongs to: node_modules is kept out of its commits. */
  readonly env: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
  readonly proc?: RunProcOptions;
  /** Lines for people: orch changed the repository's info/exclude; an install (no cached tree) starts. */
  readonly notice?: (line: string) => void;
}

/**
 * Make `worktree/node_modules` match the worktree's package.json and lockfile: kept when it already
 * does, copied from the cache, or installed (and then cached). Never throws for an install that
 * fails: that is a `failed` result with the package manager's error line.
 */
export async function prepareDependencies(options: DepsOptions, input: PrepareInput): Promise<DepsResult> {
  const t0 = performance.now();
  const plan = planInstall(options.installCmd, input.worktree);
  if (plan === null) {
    return { kind: 'skipped', reason: options.installCmd.trim() === 'none' ? 'ORCH_STAGING_INSTALL_CMD=none' : 'no package.json in the worktree' };
  }
  if (plan.source === 'auto' && !declaresDependencies(input.worktree)) return { kind: 'skipped', reason: 'package.json declares no dependencies' };
  const nodeModules = join(input.worktree, 'node_modules');
  const ms = () => Math.round(performance.now() - t0);
  // Already installed for this key (an earlier job of the task): nothing to do, not even git.
  if (readKey(nodeModules) === plan.key) return { kind: 'ready', from: 'worktree', plan, durationMs: ms(), note: null };
  // A node_modules the repository does not ignore would be stashed, or committed by `git add -A`.
  const note = await ensureIgnored(input.worktree, '/node_modules/');
  if (note) input.notice?.(note);
  const cached = join(options.cacheDir, plan.key, 'node_modules');
  rmSync(nodeModules, { recursive: true, force: true });
  if (readKey(cached) === plan.key) {
    try {
      await linkCopy(cached, nodeModules);
      return { kind: 'ready', from: 'cache', plan, durationMs: ms(), note };
    } catch {
      // A cache entry that cannot be copied (another file system, removed meanwhile): install.
      rmSync(nodeModules, { recursive: true, force: true });
    }
  }
  mkdirSync(options.logDir, { recursive: true });
  // The slow path (a first stage, a changed lockfile) says what it is doing before the suite starts.
  input.notice?.(`installing dependencies: \`${plan.argv.join(' ')}\` (no cached install for key ${plan.key.slice(0, 12)}; later stages of this key link it from the cache)`);
  const [file, ...args] = plan.argv as [string, ...string[]];
  const result = await runInGroup({
    file,
    args,
    cwd: input.worktree,
    env: { ...suiteEnv(input.env), ...input.proc?.env },
    extendEnv: false,
    timeoutMs: options.timeoutMs,
    graceMs: options.graceMs,
    treeKill: options.treeKill,
    logDir: options.logDir,
    tailBytes: 16 * 1024,
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.proc ? { onSpawn: input.proc.onSpawn } : {}),
  });
  if (result.outcome !== 'exited' || result.exitCode !== 0) {
    const line =
      result.outcome === 'timeout'
        ? `${plan.argv.join(' ')} timed out after ${Math.round(options.timeoutMs / 1000)} s`
        : result.outcome === 'spawn-error'
          ? `${file}: not found (${result.error?.message ?? 'could not be started'})`
          : installErrorLine(result.stderrTail, result.stdoutTail);
    return { kind: 'failed', plan, line, result, durationMs: ms(), note };
  }
  mkdirSync(nodeModules, { recursive: true });
  writeFileSync(join(nodeModules, KEY_FILE), `${plan.key}\n`);
  await storeInCache(options.cacheDir, plan.key, nodeModules);
  return { kind: 'ready', from: 'install', plan, durationMs: ms(), note };
}

/** Put a finished install into the cache: a link copy under a temp name, renamed into place. */
async function storeInCache(cacheDir: string, key: string, nodeModules: string): Promise<void> {
  const entry = join(cacheDir, key);
  if (readKey(join(entry, 'node_modules')) === key) return;
  const tmp = join(cacheDir, `.tmp-${key}-${process.pid}-${Date.now()}`);
  try {
    mkdirSync(tmp, { recursive: true });
    await linkCopy(nodeModules, join(tmp, 'node_modules'));
    // Two processes installing the same key: one rename wins, the other's copy is dropped (an
    // entry only ever appears whole, so one that exists is never replaced).
    renameSync(tmp, entry);
  } catch {
    // The cache is an optimisation: a failure to fill it costs the next stage an install, nothing more.
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** One line for logs and the artifact: what the install step did. */
export function describeDeps(result: DepsResult): string {
  switch (result.kind) {
    case 'skipped':
      return `dependencies: none installed (${result.reason})`;
    case 'ready':
      return `dependencies: ${result.from === 'install' ? `installed with \`${result.plan.argv.join(' ')}\`` : result.from === 'cache' ? 'linked from the cache' : 'already in the worktree'} (key ${result.plan.key.slice(0, 12)}, ${result.durationMs} ms)`;
    case 'failed':
      return `dependency install failed (\`${result.plan.argv.join(' ')}\`): ${result.line}`;
  }
}
