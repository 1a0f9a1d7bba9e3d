import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numberText } from './number-text';

describe('numberText', () => {
  it('is String() of every double', () => {
    fc.assert(
      fc.property(fc.double(), (v) => numberText(v) === String(v)),
      { numRuns: 20_000 },
    );
  });

  it('writes the edges as String() does', () => {
    const edges = [
      0,
      -0,
      1,
      -1,
      0.1 + 0.2,
      1e21,
      1e-7,
      0.000001,
      123456789012345680000,
      5e-324,
      -5e-324,
      Number.MAX_VALUE,
      2 ** 53,
      2 ** 53 + 2,
      0.0005928000000000001,
    ];
    expect(edges.map(numberText)).toEqual(edges.map(String));
    expect([NaN, Infinity, -Infinity].map(numberText)).toEqual(['NaN', 'Infinity', '-Infinity']);
    expect(numberText(-0)).toBe('0');
    expect(numberText(1e21)).toBe('1e+21');
    expect(numberText(1e-7)).toBe('1e-7');
  });

  it('sums of step costs read back as themselves', () => {
    let sum = 0;
    for (const cost of [0.0005928000000000001, 0.0000806, 0.00022975000000000003, 0.0001031, 0.00010220000000000002]) {
      sum += cost;
      expect(Number(numberText(sum))).toBe(sum);
      expect(numberText(sum)).toBe(`${sum}`);
    }
  });
});
