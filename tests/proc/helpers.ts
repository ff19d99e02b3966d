// Shared pieces of the runner tests: a per-test marker the fixtures carry (checked by the
// independent scanner in fixtures/proc), temp folders, and a watcher that records what ran.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { killHolders, markerHolders, type Holder } from '../../fixtures/proc/marker-scan.ts';
import { scaled } from '../helpers/time.ts';

export const TEST_MARKER = 'TEST_ORCH_MARKER';

export interface TestMarker {
  readonly value: string;
  readonly env: Record<string, string>;
  /** Living processes that carry this test's marker. */
  holders(): Holder[];
  /** SIGKILL them by PID (cleanup only; assertions use holders()). */
  cleanup(): number;
}

export function testMarker(): TestMarker {
  const value = randomUUID();
  return {
    value,
    env: { [TEST_MARKER]: value },
    holders: () => markerHolders(TEST_MARKER, value),
    cleanup: () => killHolders(TEST_MARKER, value),
  };
}

export function tempDir(prefix = 'orch-proc-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Polls the marker while a run is in progress: every process seen, and the most at once. */
export function watch(marker: TestMarker, everyMs = 40): { seen: Map<number, Holder>; most(): number; stop(): void } {
  const seen = new Map<number, Holder>();
  let most = 0;
  const tick = () => {
    const now = marker.holders();
    most = Math.max(most, now.length);
    // The newest view of each process: a daemon first seen before it left the session (or before
    // its parent exited) must count as what it became, not as what it was at its first sighting.
    for (const h of now) seen.set(h.pid, h);
  };
  const timer = setInterval(tick, everyMs);
  return { seen, most: () => most, stop: () => clearInterval(timer) };
}

/** Resolves once `predicate` holds (polled), or rejects after `ms` (stretched by TEST_TIME_FACTOR). */
export async function until(predicate: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const limit = scaled(ms);
  const end = Date.now() + limit;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(`timed out after ${limit} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
