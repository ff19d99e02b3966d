import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { keyedQueue } from '../../src/util/keyed-queue.ts';

describe('keyedQueue', () => {
  it('runs work of one key one at a time, in call order; other keys run alongside; a failure blocks nothing', async () => {
    const queue = keyedQueue();
    const log: string[] = [];
    const step = (key: string, name: string, ms: number, fail = false) =>
      queue(key, async () => {
        log.push(`start ${name}`);
        await sleep(ms);
        log.push(`end ${name}`);
        if (fail) throw new Error(`${name} failed`);
        return name;
      });
    const results = await Promise.allSettled([step('a', 'a1', 30, true), step('a', 'a2', 1), step('b', 'b1', 5)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    // a2 waits for a1 although a1 failed; b1 does not wait for either.
    expect(log.indexOf('start a2')).toBeGreaterThan(log.indexOf('end a1'));
    expect(log.indexOf('end b1')).toBeLessThan(log.indexOf('end a1'));
  });
});
