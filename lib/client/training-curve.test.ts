import { describe, expect, it } from 'vitest';
import { bucketCurve, bucketOf, sameSeries, type TrainingStepPoint } from './training-curve';

const point = (step: number, over: Partial<TrainingStepPoint> = {}): TrainingStepPoint => ({
  step,
  rollouts: 4,
  groups: 2,
  accuracy: 0.5,
  mean_cost_usd: 0.01,
  mean_process_score: 0.8,
  mean_reward: 1,
  step_share_by_model: { big: 0.25, small: 0.75 },
  mean_group_reward_std: 0.2,
  no_signal_share_outcome: 0.5,
  no_signal_share: 0,
  ...over,
});

describe('bucketCurve', () => {
  it('keeps one row per step up to the limit, with the large model share', () => {
    const rows = bucketCurve([point(0), point(3, { step_share_by_model: { small: 1 } })], 'big', 5);
    expect(rows.map((r) => [r.step, r.last, r.steps, r.large_share])).toEqual([
      [0, 0, 1, 0.25],
      [3, 3, 1, 0],
    ]);
  });

  it('means consecutive steps weighted by rollouts or by groups, nulls left out', () => {
    const rows = bucketCurve(
      [
        point(0, { rollouts: 1, groups: 1, accuracy: 1, no_signal_share: 1, mean_process_score: null }),
        point(1, { rollouts: 3, groups: 3, accuracy: 0, no_signal_share: 0, mean_process_score: 0.4 }),
        point(2, { accuracy: 0.5 }),
      ],
      null,
      2,
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ step: 0, last: 1, steps: 2, rollouts: 4, groups: 4, accuracy: 0.25, no_signal_share: 0.25, large_share: null });
    expect(rows[0]!.mean_process_score).toBeCloseTo(0.4, 12);
    expect(rows[1]).toMatchObject({ step: 2, last: 2, steps: 1, accuracy: 0.5 });
  });

  it('draws 2,000 steps as at most 300 points', () => {
    const rows = bucketCurve(
      Array.from({ length: 2000 }, (_, i) => point(i)),
      'big',
    );
    expect(rows.length).toBeLessThanOrEqual(300);
    expect(rows[0]!.step).toBe(0);
    expect(rows[rows.length - 1]!.last).toBe(1999);
    expect(bucketOf(rows, 1000)).toBeGreaterThan(0);
    const b = rows[bucketOf(rows, 1000)]!;
    expect(b.step <= 1000 && 1000 <= b.last).toBe(true);
    expect(bucketOf(rows, 5000)).toBe(-1);
  });
});

describe('sameSeries', () => {
  it('tells a chart whether its own series moved', () => {
    const a = bucketCurve([point(0), point(1)], 'big');
    const b = bucketCurve([point(0), point(1, { mean_reward: 2 })], 'big');
    expect(sameSeries(a, b, ['accuracy'])).toBe(true);
    expect(sameSeries(a, b, ['mean_reward'])).toBe(false);
    expect(sameSeries(a, a.slice(0, 1), ['accuracy'])).toBe(false);
  });
});
