// Global setup of every test run: (re)build the compiled CLI (dist/) when it is absent or stale,
// so the tests that start the real bin (worker processes, `orch exec`, the quickstart) run the
// JavaScript build instead of paying tsx's start-up in every process, also for a developer who
// has just edited src/. Building takes about a second; a current build costs one hash check.
// A failed build fails the run: bin/orch.js would fall back to tsx, but the build is what the
// run means to test.
import { buildCli } from '../../scripts/build.ts';

let once: Promise<unknown> | undefined;

export async function setup(): Promise<void> {
  // Each project that inherits this setup calls it; one build per run is enough.
  once ??= buildCli({ ifStale: true });
  await once;
}
