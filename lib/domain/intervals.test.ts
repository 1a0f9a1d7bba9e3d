import { describe, expect, it } from 'vitest';
import { meanInterval, savingsVsModel, tQuantile975, wilsonInterval } from './intervals';

describe('wilsonInterval', () => {
  it('matches hand-computed values', () => {
    // 8 of 10: centre (0.8 + 1.9208/10) / 1.38415 = 0.71673, half 0.21830 (R: prop.test(8, 10, correct = FALSE)).
    const [lo, hi] = wilsonInterval(8, 10)!;
    expect(lo).toBeCloseTo(0.4901624, 6);
    expect(hi).toBeCloseTo(0.9433178, 6);
    // 4 of 4 (a small import): far from certain.
    const [lo4, hi4] = wilsonInterval(4, 4)!;
    expect(lo4).toBeCloseTo(0.5101092, 6);
    expect(hi4).toBe(1);
    expect(wilsonInterval(0, 5)![0]).toBe(0);
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it('narrows with n around the same share', () => {
    const w = (n: number) => {
      const [lo, hi] = wilsonInterval(n / 2, n)!;
      return hi - lo;
    };
    expect(w(10)).toBeGreaterThan(w(100));
    expect(w(100)).toBeGreaterThan(w(10_000));
  });
});

describe('meanInterval', () => {
  it('is the t interval of the values', () => {
    // 1, 2, 3, 4: mean 2.5, s = 1.290994, t(3) = 3.182446, half = 3.182446 * 1.290994 / 2 = 2.054260.
    const [lo, hi] = meanInterval(4, 10, 30)!;
    expect(lo).toBeCloseTo(0.4457397, 6);
    expect(hi).toBeCloseTo(4.5542603, 6);
    expect(meanInterval(1, 3, 9)).toBeNull();
    // Equal values: a (nearly) zero-width interval, never NaN from rounding of the sums.
    const [a, b] = meanInterval(3, 0.3, 0.03)!;
    expect(a).toBeCloseTo(0.1, 8);
    expect(b).toBeCloseTo(0.1, 8);
    expect(meanInterval(3, 0.3, 0.0299999999)).not.toContain(NaN);
  });

  it('uses t quantiles that meet the normal one', () => {
    expect(tQuantile975(1)).toBeCloseTo(12.7062047, 6);
    expect(tQuantile975(30)).toBeCloseTo(2.0422725, 6);
    expect(tQuantile975(31)).toBeCloseTo(2.0395134, 5);
    expect(tQuantile975(120)).toBeCloseTo(1.9799304, 5);
    expect(tQuantile975(1e9)).toBeCloseTo(1.959964, 5);
  });
});

describe('savingsVsModel', () => {
  it('prices the tokens at the reference model', () => {
    // 1,000,000 tokens in at $1 and 500,000 out at $4: $3; the run spent $0.75.
    const r = savingsVsModel(0.75, 1_000_000, 500_000, { id: 'm', usdPerMtokIn: 1, usdPerMtokOut: 4 });
    expect(r.counterfactualUsd).toBeCloseTo(3, 12);
    expect(r.savings).toBeCloseTo(0.75, 12);
    // A cheaper reference than what was used: negative savings.
    expect(savingsVsModel(3, 1_000_000, 500_000, { id: 'c', usdPerMtokIn: 0.1, usdPerMtokOut: 0.4 }).savings).toBeCloseTo(1 - 3 / 0.3, 12);
    expect(savingsVsModel(0, 0, 0, { id: 'm', usdPerMtokIn: 1, usdPerMtokOut: 4 }).savings).toBeNull();
  });
});
