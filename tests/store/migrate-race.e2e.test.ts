// Issue 13.8: processes opening a brand-new store at the same instant all succeed (SQLite: one
// exclusive migration transaction). Small here (3 processes, one try: each child costs ~1.5 s of CPU for tsx); the full 8 x 20 is
// scripts/bench/migrate-race.ts.
import { expect, test } from 'vitest';
import { raceOnce } from '../../scripts/bench/lib/open-store-race.ts';

test('3 processes open one new SQLite store at once: every one succeeds, the schema is migrated once', async () => {
  const result = await raceOnce(3);
  expect(result.errors).toEqual([]);
  expect(result.ok).toBe(3);
});
