// The open-store race (issue 13.8): `processes` processes open the same brand-new store at the same
// instant, `tries` times (a new store each try). Used by tests/store/migrate-race.e2e.test.ts (small)
// and scripts/bench/migrate-race.ts (8 x 20).
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';

const CHILD = resolve(import.meta.dirname, 'open-store-child.ts');

export interface RaceTry {
  readonly ok: number;
  readonly failed: number;
  readonly errors: readonly string[];
}

/** One try: a new store (`newUrl(dir)`; default a SQLite file), `processes` processes opening it at once. */
export async function raceOnce(processes: number, newUrl: (dir: string) => Promise<string> | string = (dir) => join(dir, 'orch.db')): Promise<RaceTry> {
  const dir = mkdtempSync(join(tmpdir(), 'orch-migrate-race-'));
  const start = join(dir, 'start');
  try {
    const url = await newUrl(dir);
    const children = Array.from({ length: processes }, () =>
      // orch-inventory-ignore: node itself running the store-opening child, no LLM involved
      execa(process.execPath, ['--import', 'tsx', CHILD, url, start], { reject: false, timeout: 60_000, env: { ...process.env, ORCH_HOME: dir } }),
    );
    // Wait until every child has loaded its modules (each leaves a ready file), then start them all at once.
    const deadline = Date.now() + 120_000;
    while (readdirSync(dir).filter((f) => f.startsWith('start.ready.')).length < processes && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    writeFileSync(start, '');
    const results = await Promise.all(children);
    const errors = results.filter((r) => r.exitCode !== 0).map((r) => String(r.stdout || r.stderr).trim().slice(0, 300));
    return { ok: processes - errors.length, failed: errors.length, errors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
