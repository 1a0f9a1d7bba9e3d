import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  averageRanks,
  categoryOf,
  cohensKappa,
  judgeHumanAgreement,
  krippendorffAlpha,
  meanAbsoluteDifference,
  peopleAgreement,
  percentAgreement,
  spearmanRho,
} from './agreement';
import type { Scale } from './types';

describe('percentAgreement', () => {
  it('is the share of equal labels, as a fraction', () => {
    expect(percentAgreement([1, 0, 1, 1], [1, 1, 1, 0])).toBe(0.5);
    expect(percentAgreement([-1, 0, 1], [-1, 0, 1])).toBe(1);
  });

  it('is null for no items and refuses unequal sides', () => {
    expect(percentAgreement([], [])).toBeNull();
    expect(() => percentAgreement([1], [1, 0])).toThrow(/1 and 2 values/);
  });
});

describe('cohensKappa', () => {
  it('matches a hand computation', () => {
    // po = 3/4; pe = (2/4)(1/4) + (2/4)(3/4) = 1/2; kappa = (3/4 - 1/2) / (1/2)
    expect(cohensKappa([1, 1, 0, 0], [1, 0, 0, 0])).toBe(0.5);
    // three categories: po = 3/5; pe = (2*1 + 2*2 + 1*2) / 25 = 8/25; kappa = (15 - 8) / (25 - 8)
    expect(cohensKappa([-1, -1, 0, 0, 1], [-1, 0, 0, 1, 1])).toBeCloseTo(7 / 17, 15);
  });

  it('is 0 at chance agreement and -1 at systematic disagreement', () => {
    expect(cohensKappa([1, 1, 0, 0], [1, 0, 1, 0])).toBe(0);
    expect(cohensKappa([0, 1], [1, 0])).toBe(-1);
  });

  it('is 1 when all labels agree, even on a single label (expected agreement 1)', () => {
    expect(cohensKappa([1, 1, 1], [1, 1, 1])).toBe(1);
    expect(cohensKappa(['binary:0'], ['binary:0'])).toBe(1);
    expect(cohensKappa([1, 0, 1], [1, 0, 1])).toBe(1);
  });

  it('is 0, not null, when only one side is constant', () => {
    // po = 3/4, pe = 1 * 3/4
    expect(cohensKappa([1, 1, 1, 1], [1, 1, 1, 0])).toBe(0);
  });

  it('is null for no items', () => {
    expect(cohensKappa([], [])).toBeNull();
  });
});

describe('meanAbsoluteDifference', () => {
  it('averages |a - b|', () => {
    expect(meanAbsoluteDifference([0, 0.5, 1], [0.25, 0.5, 0])).toBeCloseTo(1.25 / 3, 15);
    expect(meanAbsoluteDifference([0.2], [0.2])).toBe(0);
  });

  it('is null for no items', () => {
    expect(meanAbsoluteDifference([], [])).toBeNull();
  });
});

describe('spearmanRho', () => {
  it('ranks ties by their average rank', () => {
    expect(averageRanks([10, 20, 20, 30])).toEqual([1, 2.5, 2.5, 4]);
    expect(averageRanks([5, 5, 5])).toEqual([2, 2, 2]);
    // ranks 1, 2.5, 2.5, 4 against 4, 1, 2.5, 2.5: sxy = -2.25, sxx = syy = 4.5
    expect(spearmanRho([1, 2, 2, 3], [3, 1, 2, 2])).toBe(-0.5);
  });

  it('is 1 for any increasing relation and -1 for a decreasing one', () => {
    expect(spearmanRho([0.1, 0.2, 0.9], [1, 8, 27])).toBe(1);
    expect(spearmanRho([0.1, 0.2, 0.9], [3, 2, 1])).toBe(-1);
  });

  it('matches scipy.stats.spearmanr with ties', () => {
    expect(spearmanRho([3, 1, 4, 1, 5, 9, 2, 6], [2, 7, 1, 8, 2, 8, 1, 8])).toBeCloseTo(0.19885368120992467, 14);
  });

  it('is null with fewer than 2 items or a constant side', () => {
    expect(spearmanRho([], [])).toBeNull();
    expect(spearmanRho([0.5], [0.5])).toBeNull();
    expect(spearmanRho([0.5, 0.5, 0.5], [0, 0.5, 1])).toBeNull();
    expect(spearmanRho([0, 0.5, 1], [1, 1, 1])).toBeNull();
  });
});

describe('krippendorffAlpha', () => {
  // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 coders, 12 units, missing values.
  const n = null;
  const coders = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
    [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n],
  ];
  const units = coders[0]!.map((_, u) => coders.map((c) => c[u] ?? null));

  it('reproduces the published example (nominal 0.743, interval 0.849; unit 12 is not pairable)', () => {
    const nominal = krippendorffAlpha(units, 'nominal');
    const interval = krippendorffAlpha(units, 'interval');
    expect(nominal.items).toBe(11);
    expect(nominal.alpha).toBeCloseTo(0.743, 3);
    expect(interval.items).toBe(11);
    expect(interval.alpha).toBeCloseTo(0.849, 3);
  });

  it('matches a small hand computation', () => {
    // nominal, values 1,1 | 0,0 | 1,0: n = 6, D_all = 36 - (9 + 9) = 18, only unit 3 disagrees: 2 / 1
    // alpha = 1 - 5 * 2 / 18 = 4/9
    expect(
      krippendorffAlpha(
        [
          [1, 1],
          [0, 0],
          [1, 0],
        ],
        'nominal',
      ),
    ).toEqual({ alpha: 1 - 10 / 18, items: 3 });
    // interval, values 1,2 | 3,3: ordered-pair disagreement over all = 22, within unit 1 = 2
    // alpha = 1 - 3 * 2 / 22 = 8/11
    expect(
      krippendorffAlpha(
        [
          [1, 2],
          [3, 3],
        ],
        'interval',
      ).alpha,
    ).toBeCloseTo(8 / 11, 15);
  });

  it('is 0 on a single disagreeing item, null on a single agreeing one', () => {
    expect(krippendorffAlpha([[1, 0]], 'nominal')).toEqual({ alpha: 0, items: 1 });
    expect(krippendorffAlpha([[2, 4]], 'interval')).toEqual({ alpha: 0, items: 1 });
    expect(krippendorffAlpha([[0.2, 0.5, 0.5]], 'interval').alpha).toBeCloseTo(0, 15);
    expect(krippendorffAlpha([[1, 1]], 'nominal')).toEqual({ alpha: null, items: 1 });
  });

  it('is 1 for perfect agreement with some variation between items', () => {
    expect(
      krippendorffAlpha(
        [
          [1, 1, null],
          [0, 0, 0],
        ],
        'nominal',
      ),
    ).toEqual({ alpha: 1, items: 2 });
  });

  it('leaves out items with fewer than two values, and is null when none is left', () => {
    expect(krippendorffAlpha([[1, null], [null, null], [0]], 'nominal')).toEqual({ alpha: null, items: 0 });
    expect(krippendorffAlpha([], 'interval')).toEqual({ alpha: null, items: 0 });
    expect(
      krippendorffAlpha(
        [
          [1, 0],
          [1, null],
        ],
        'nominal',
      ),
    ).toEqual({ alpha: 0, items: 1 });
  });

  it('is null, not rounding noise, when every value is the same inexact double', () => {
    expect(
      krippendorffAlpha(
        [
          [0.1, 0.1],
          [0.1, 0.1, 0.1],
        ],
        'interval',
      ),
    ).toEqual({ alpha: null, items: 2 });
  });
});

const binary: Scale = { kind: 'binary' };
const ternary: Scale = { kind: 'ternary' };
const tenPoint: Scale = { kind: 'numeric', min: 0, max: 10 };
const fourPoint: Scale = { kind: 'numeric', min: 0, max: 4 };

describe('judgeHumanAgreement', () => {
  it('gives percent agreement and kappa for categorical items, MAD and rho of normalized scores for numeric ones', () => {
    const result = judgeHumanAgreement([
      { scale: binary, judge: 1, human: 1 },
      { scale: binary, judge: 0, human: 1 },
      { scale: ternary, judge: 0, human: 0 },
      { scale: tenPoint, judge: 8, human: 6 }, // 0.8 vs 0.6
      { scale: tenPoint, judge: 2, human: 2 }, // 0.2 vs 0.2
      { scale: fourPoint, judge: 1, human: 3 }, // 0.25 vs 0.75
    ]);
    // categories binary:1, binary:0, ternary:0 vs binary:1, binary:1, ternary:0:
    // agree 2/3; chance = 1*2 + 1*0 + 1*1 = 3; kappa = (3*2 - 3) / (9 - 3)
    expect(result.categorical).toEqual({ n: 3, percentAgreement: 2 / 3, kappa: 0.5 });
    expect(result.numeric.n).toBe(3);
    expect(result.numeric.meanAbsoluteDifference).toBeCloseTo(0.7 / 3, 15);
    // judge ranks 3,1,2; human ranks 2,1,3: sxy = 1, sxx = syy = 2
    expect(result.numeric.spearmanRho).toBeCloseTo(0.5, 15);
  });

  it('keeps a binary 0 and a ternary 0 apart when pooling criteria', () => {
    expect(categoryOf(0, binary)).not.toBe(categoryOf(0, ternary));
    const result = judgeHumanAgreement([
      { scale: binary, judge: 0, human: 0 },
      { scale: ternary, judge: 0, human: 0 },
    ]);
    expect(result.categorical).toEqual({ n: 2, percentAgreement: 1, kappa: 1 });
  });

  it('gives n 0 and null figures for a kind with no items', () => {
    expect(judgeHumanAgreement([])).toEqual({
      categorical: { n: 0, percentAgreement: null, kappa: null },
      numeric: { n: 0, meanAbsoluteDifference: null, spearmanRho: null },
    });
    expect(judgeHumanAgreement([{ scale: tenPoint, judge: 5, human: 5 }]).numeric).toEqual({ n: 1, meanAbsoluteDifference: 0, spearmanRho: null });
  });

  it('refuses off-scale scores', () => {
    expect(() => judgeHumanAgreement([{ scale: binary, judge: 2, human: 1 }])).toThrow(/not on the binary scale/);
  });
});

describe('peopleAgreement', () => {
  it('gives nominal alpha for categorical items and interval alpha of normalized scores for numeric ones', () => {
    const result = peopleAgreement([
      { scale: binary, scores: [1, 1, null] },
      { scale: binary, scores: [0, 0] },
      { scale: binary, scores: [1, 0] },
      { scale: ternary, scores: [1, null] }, // one value: not pairable
      { scale: tenPoint, scores: [2, 4] }, // 0.2, 0.4
      { scale: fourPoint, scores: [3, 3] }, // 0.75, 0.75
    ]);
    expect(result.nominal).toEqual({ alpha: 4 / 9, items: 3 });
    // values 0.2, 0.4, 0.75, 0.75: D_all = 2*4*Σ(v - 0.525)^2 = 8 * 0.2225 = 1.78; within: 2*2*0.02 = 0.08
    // alpha = 1 - 3 * 0.08 / 1.78
    expect(result.interval.items).toBe(2);
    expect(result.interval.alpha).toBeCloseTo(1 - 0.24 / 1.78, 12);
  });
});

const labelArb = fc.constantFrom(-1, 0, 1, 2);
const pairedLabels = fc.array(fc.tuple(labelArb, labelArb), { minLength: 1, maxLength: 60 });

describe('properties', () => {
  it('kappa lies in [-1, 1], is symmetric, and percent agreement in [0, 1]', () => {
    fc.assert(
      fc.property(pairedLabels, (pairs) => {
        const a = pairs.map(([x]) => x);
        const b = pairs.map(([, y]) => y);
        const kappa = cohensKappa(a, b);
        expect(kappa).not.toBeNull();
        expect(kappa!).toBeGreaterThanOrEqual(-1);
        expect(kappa!).toBeLessThanOrEqual(1);
        expect(cohensKappa(b, a)).toBe(kappa);
        const p = percentAgreement(a, b)!;
        expect(p >= 0 && p <= 1).toBe(true);
      }),
    );
  });

  it('rho lies in [-1, 1] or is null', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 0.25, 0.5, 1)), { maxLength: 40 }), (pairs) => {
        const rho = spearmanRho(
          pairs.map(([x]) => x),
          pairs.map(([, y]) => y),
        );
        expect(rho === null || (rho >= -1 && rho <= 1)).toBe(true);
      }),
    );
  });

  const unitsArb = <T>(value: fc.Arbitrary<T>) => fc.array(fc.array(fc.option(value, { nil: null }), { maxLength: 5 }), { maxLength: 15 });

  it('alpha is at most 1 (or null), and counts the items with two or more values', () => {
    fc.assert(
      fc.property(unitsArb(labelArb), (units) => {
        const { alpha, items } = krippendorffAlpha(units, 'nominal');
        expect(alpha === null || alpha <= 1).toBe(true);
        expect(items).toBe(units.filter((u) => u.filter((v) => v !== null).length >= 2).length);
      }),
    );
    fc.assert(
      fc.property(unitsArb(fc.double({ min: -1e3, max: 1e3, noNaN: true })), (units) => {
        const { alpha } = krippendorffAlpha(units, 'interval');
        expect(alpha === null || (Number.isFinite(alpha) && alpha <= 1)).toBe(true);
      }),
    );
  });

  it('alpha does not change when coders or items are reordered', () => {
    fc.assert(
      fc.property(unitsArb(labelArb), (units) => {
        const shuffled = [...units].reverse().map((u) => [...u].reverse());
        const a = krippendorffAlpha(units, 'nominal').alpha;
        const b = krippendorffAlpha(shuffled, 'nominal').alpha;
        if (a === null) expect(b).toBeNull();
        else expect(b).toBeCloseTo(a, 12);
      }),
    );
  });
});
