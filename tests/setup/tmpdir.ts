// Global setup of every test run: one temp folder for the whole run. TMPDIR points at it for the
// test workers and every process they start (git, orch workers, suites), so whatever a test makes
// with mkdtemp lands inside it. Tests remove their own folders (afterEach / onTestFinished); the
// teardown then finds the folder empty, or fails the run naming what a test left behind, and
// removes it either way: no /tmp/orch-* outlives a run, green or red (a timed-out test's
// afterEach runs, but the test's own code may still be creating files after it).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Set while a run's folder exists: the projects' setups (separate module instances) share it through the environment. */
const RUN_VAR = 'TEST_RUN_TMPDIR';

/** Caches kept across runs in the machine's temp folder, linked into the run's. */
const CACHES = [`tsx-${process.getuid?.() ?? 0}`, `v8-cache-orch-${process.getuid?.() ?? 0}`];

export function setup(): () => void {
  if (process.env[RUN_VAR]) return () => undefined; // another project's setup made it and removes it
  const previous = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), 'orch-testrun-'));
  // tsx keeps its transform cache in $TMPDIR/tsx-<uid>, the scanner its V8 code cache in
  // $TMPDIR/v8-cache-orch-<uid>: the run uses the machine's, which outlive it.
  for (const cache of CACHES) {
    mkdirSync(join(tmpdir(), cache), { recursive: true });
    symlinkSync(join(tmpdir(), cache), join(dir, cache));
  }
  process.env[RUN_VAR] = dir;
  process.env.TMPDIR = dir;
  return () => {
    delete process.env[RUN_VAR];
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    // What tests make is orch-*; anything else (a tool's cache) goes without a word.
    const left = readdirSync(dir).filter((name) => name.startsWith('orch-') && !CACHES.includes(name));
    rmSync(dir, { recursive: true, force: true });
    if (left.length > 0) {
      throw new Error(`tests left ${left.length} temp folder(s) behind (removed now; a test must remove what it makes, in afterEach or onTestFinished): ${left.sort().join(', ')}`);
    }
  };
}
