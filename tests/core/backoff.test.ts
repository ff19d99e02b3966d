import { describe, expect, it } from 'vitest';
import { backoffMs, backoffPolicyProblem, MAX_BACKOFF_FACTOR } from '../../src/core/backoff.ts';
import { infraBackoffMs } from '../../src/core/infra-retry.ts';
import { lockWaitDelayMs } from '../../src/core/lock-wait.ts';

describe('the one backoff policy', () => {
  it('doubles from the first delay and stops at 32 times it by default', () => {
    expect(MAX_BACKOFF_FACTOR).toBe(32);
    expect([1, 2, 3, 5, 6, 7, 40, 5000].map((n) => backoffMs({ firstMs: 1000 }, n))).toEqual([1000, 2000, 4000, 16_000, 32_000, 32_000, 32_000, 32_000]);
  });

  it('a smaller cap stops earlier; fractions of a millisecond are rounded', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffMs({ firstMs: 200, maxFactor: 10 }, n))).toEqual([200, 400, 800, 1600, 2000]);
    expect(backoffMs({ firstMs: 0.3 }, 2)).toBe(1);
    expect(backoffMs({ firstMs: 0 }, 9)).toBe(0);
  });

  it('refuses a cap above the one cap, a bad first delay and a bad attempt, naming the value', () => {
    expect(backoffPolicyProblem({ firstMs: 1, maxFactor: 100 })).toBe('maxFactor must be a whole number from 1 to 32, got 100');
    expect(() => backoffMs({ firstMs: 1, maxFactor: 100 }, 1)).toThrow(/maxFactor must be a whole number from 1 to 32, got 100/);
    expect(() => backoffMs({ firstMs: 1, maxFactor: 0 }, 1)).toThrow(RangeError);
    expect(() => backoffMs({ firstMs: 1, maxFactor: 2.5 }, 1)).toThrow(/got 2.5/);
    expect(() => backoffMs({ firstMs: -1 }, 1)).toThrow(/firstMs must be a finite number of milliseconds >= 0, got -1/);
    expect(() => backoffMs({ firstMs: Number.POSITIVE_INFINITY }, 1)).toThrow(/firstMs/);
    expect(() => backoffMs({ firstMs: 1 }, 0)).toThrow(/attempt must be a whole number >= 1, got 0/);
    expect(() => backoffMs({ firstMs: 1 }, 1.5)).toThrow(/got 1.5/);
    expect(backoffPolicyProblem({ firstMs: 5, maxFactor: 32 })).toBeNull();
  });

  it('the gate re-queues and the busy-lock wait use it', () => {
    expect([1, 6, 7].map((n) => infraBackoffMs({ retries: 9, backoffMs: 1000 }, n))).toEqual([1000, 32_000, 32_000]);
    expect([1, 4, 5, 30].map((n) => lockWaitDelayMs(n, 60_000, 1))).toEqual([200, 1600, 2000, 2000]);
  });
});
