import { describe, expect, it } from 'vitest';
import { detailValue, parseDetail, parseJsonObject } from '../../src/util/json.ts';

describe('parseJsonObject', () => {
  it.each([
    ['{"a":1}', { a: 1 }],
    [null, null],
    ['not json', null],
    ['[1,2]', null],
    ['5', null],
    ['null', null],
  ])('%j -> %j', (text, expected) => {
    expect(parseJsonObject(text)).toEqual(expected);
  });
});

describe('parseDetail', () => {
  it('returns the object, {} for no detail, and keeps what is not an object under previous', () => {
    expect(parseDetail('{"run":{"pid":3}}')).toEqual({ run: { pid: 3 } });
    expect(parseDetail(null)).toEqual({});
    expect(parseDetail('[1]')).toEqual({ previous: [1] });
    expect(parseDetail('7')).toEqual({ previous: 7 });
    expect(parseDetail('half {')).toEqual({ previous: 'half {' });
  });
});

describe('detailValue', () => {
  it('shows JSON as its value and anything else as the text it is', () => {
    expect(detailValue('{"a":[1]}')).toEqual({ a: [1] });
    expect(detailValue('"x"')).toBe('x');
    expect(detailValue('plain words')).toBe('plain words');
    expect(detailValue(null)).toBeNull();
  });
});
