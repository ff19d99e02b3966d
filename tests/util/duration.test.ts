import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/util/duration.ts';
import { ERROR_CODES, InvalidInputError } from '../../src/errors.ts';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['500ms', 500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1.5s', 1_500],
    ['5', 5_000],
    ['0.25', 250],
    ['0', 0],
    [' 10s ', 10_000],
  ])('%j is %i ms', (text, ms) => {
    expect(parseDuration('--timeout', text)).toBe(ms);
  });

  it.each(['', 'abc', '10x', '-1s', '1e3', '1 s', '30d', '25d'])('refuses %j, naming the flag and what is allowed', (text) => {
    let caught: unknown;
    try {
      parseDuration('--grace', text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    expect((caught as InvalidInputError).code).toBe(ERROR_CODES.INVALID_INPUT);
    expect((caught as Error).message).toBe(
      `--grace ${JSON.stringify(text)} is invalid: a duration such as 30s, 500ms, 2m or 1h (a bare number is seconds), at most 24 days`,
    );
  });

  it('formats for messages', () => {
    expect(formatDuration(300)).toBe('300ms');
    expect(formatDuration(1_000)).toBe('1s');
    expect(formatDuration(1_500)).toBe('1.5s');
  });
});
