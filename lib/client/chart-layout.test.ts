import { describe, expect, it } from 'vitest';
import { labelSides, logTicks } from './chart-layout';

describe('logTicks', () => {
  it('gives 1-2-5 ticks that enclose the range when it spans little', () => {
    expect(logTicks(0.0031, 0.042)).toEqual([0.002, 0.005, 0.01, 0.02, 0.05]);
  });
  it('keeps more than one tick when one run costs far more than the rest', () => {
    const t = logTicks(0.0008, 0.9);
    expect(t[0]).toBeLessThanOrEqual(0.0008);
    expect(t[t.length - 1]).toBeGreaterThanOrEqual(0.9);
    expect(t).toEqual([0.0005, 0.001, 0.01, 0.1, 1]);
  });
  it('thins wide ranges to decades, keeping the enclosing ends', () => {
    expect(logTicks(3e-5, 40)).toEqual([2e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 50]);
  });
  it('returns nothing for ranges a log axis cannot draw', () => {
    expect(logTicks(0, 1)).toEqual([]);
    expect(logTicks(2, 1)).toEqual([]);
  });
});

describe('labelSides', () => {
  it('puts the names of two close points beside them, outwards', () => {
    expect(
      labelSides([
        { x: 0.5, y: 0.6 },
        { x: 0.45, y: 0.62 },
        { x: 0.9, y: 0.1 },
      ]),
    ).toEqual(['right', 'left', 'top']);
  });
  it('leaves names above when nothing is near', () => {
    expect(
      labelSides([
        { x: 0.1, y: 0.1 },
        { x: 0.5, y: 0.5 },
      ]),
    ).toEqual(['top', 'top']);
  });
  it('moves a name only once: a third close point keeps its name above', () => {
    expect(
      labelSides([
        { x: 0.5, y: 0.5 },
        { x: 0.52, y: 0.52 },
        { x: 0.51, y: 0.5 },
      ]),
    ).toEqual(['left', 'right', 'top']);
  });
});
