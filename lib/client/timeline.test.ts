import { describe, expect, it } from 'vitest';
import { centerOf, columnMix, meanOver, scoreColor, stepAt, stepsOfColumn } from './timeline';

describe('step strip geometry', () => {
  it('covers every step exactly once across the columns of a narrow strip', () => {
    const n = 20_000;
    const width = 1_137;
    let next = 0;
    for (let x = 0; x < width; x++) {
      const [from, to] = stepsOfColumn(x, width, n);
      expect(from).toBe(next);
      expect(to).toBeGreaterThan(from);
      next = to;
    }
    expect(next).toBe(n);
  });

  it('maps a pointer position to the step under it and back to its centre', () => {
    expect(stepAt(0, 500, 50)).toBe(0);
    expect(stepAt(499.9, 500, 50)).toBe(49);
    expect(stepAt(-10, 500, 50)).toBe(0);
    expect(stepAt(900, 500, 50)).toBe(49);
    for (const i of [0, 7, 49]) expect(stepAt(centerOf(i, 500, 50), 500, 50)).toBe(i);
  });

  it('counts the models of the steps in each column', () => {
    const mix = columnMix([0, 0, 1, 1, 1, 0], 3);
    expect(mix.map((c) => [...c])).toEqual([
      [2, 0],
      [0, 2],
      [1, 1],
    ]);
    expect(columnMix([1, 0], 800).length).toBe(2);
  });

  it('colours scores from rose through amber to emerald, and averages defined values only', () => {
    expect(scoreColor(0)).toBe('rgb(244, 63, 94)');
    expect(scoreColor(0.5)).toBe('rgb(251, 191, 36)');
    expect(scoreColor(1)).toBe('rgb(16, 185, 129)');
    expect(meanOver([null, 1, undefined, 0], 0, 4)).toBe(0.5);
    expect(meanOver([null, null], 0, 2)).toBeNull();
  });
});
