import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addToMoments,
  emptyMoments,
  groupFigures,
  groupRanks,
  groupRewardStats,
  momentsVerdict,
  rewardInputs,
  trainingCurve,
  type RolloutInput,
  type TrainingRolloutInput,
} from './training';

// Rewards at lambda 0.5, mu 0.1 (the defaults):
//   a1: 1 + 0.5 * 0.8 - 0.1 * (1 / 4) = 1.375
//   a2: 0 + 0.5 * 0.6 - 0.1 * (2 / 4) = 0.25
//   a3: 1 + 0.5 * 0   - 0.1 * (4 / 4) = 0.9   (no judgments: process null counts as 0)
// mean 2.525 / 3 = 0.841666..., sample std sqrt(0.637916... / 2) = 0.5647639624952475
const A: RolloutInput[] = [
  { id: 'a1', correct: true, processScore: 0.8, costUsd: 1, allLargestUsd: 4 },
  { id: 'a2', correct: false, processScore: 0.6, costUsd: 2, allLargestUsd: 4 },
  { id: 'a3', correct: true, processScore: null, costUsd: 4, allLargestUsd: 4 },
];

describe('groupFigures', () => {
  it('gives advantage, scaled advantage, rank and rank under the outcome alone', () => {
    const g = groupFigures(A);
    expect(g.n).toBe(3);
    expect(g.accuracy).toBeCloseTo(2 / 3, 15);
    expect(g.mean).toBeCloseTo(0.8416666666666667, 15);
    expect(g.std).toBeCloseTo(0.5647639624952475, 15);
    expect(g.noSignal).toBe(false);
    expect(g.noSignalOutcome).toBe(false);
    const by = Object.fromEntries(g.rollouts.map((r) => [r.id, r]));
    expect(by.a1!.reward).toBe(1.375);
    expect(by.a2!.reward).toBe(0.25);
    expect(by.a3!.reward).toBeCloseTo(0.9, 15);
    expect(by.a1!.advantage).toBeCloseTo(0.5333333333333333, 15);
    expect(by.a2!.advantage).toBeCloseTo(-0.5916666666666667, 15);
    expect(by.a3!.advantage).toBeCloseTo(0.05833333333333335, 15);
    expect(by.a1!.scaledAdvantage).toBeCloseTo(0.9443473180848031, 14);
    expect(by.a2!.scaledAdvantage).toBeCloseTo(-1.0476353060003285, 14);
    expect(by.a3!.scaledAdvantage).toBeCloseTo(0.10328798791552538, 14);
    expect([by.a1!.rank, by.a2!.rank, by.a3!.rank]).toEqual([1, 3, 2]);
    // Under the outcome alone a1 and a3 tie for first: a3's rank moves from 2 to 1.
    expect([by.a1!.rankOutcome, by.a2!.rankOutcome, by.a3!.rankOutcome]).toEqual([1, 3, 1]);
  });

  it('follows lambda and mu', () => {
    // lambda 0, mu 0: the rewards are the outcomes 1, 0, 1.
    const g = groupFigures(A, { lambda: 0, mu: 0 });
    expect(g.rollouts.map((r) => r.reward)).toEqual([1, 0, 1]);
    expect(g.std).toBeCloseTo(Math.sqrt(1 / 3), 15);
    expect(g.rollouts.map((r) => r.rank)).toEqual([1, 3, 1]);
  });

  it('has no advantages in a group of one rollout', () => {
    const g = groupFigures([A[0]!]);
    expect(g).toMatchObject({ n: 1, std: null, noSignal: null, noSignalOutcome: null, accuracy: 1 });
    expect(g.rollouts[0]).toMatchObject({ id: 'a1', reward: 1.375, advantage: null, scaledAdvantage: null, rank: 1, rankOutcome: 1 });
  });

  it('finds no signal in identical rollouts under any reward', () => {
    const same = { correct: true, processScore: 0.1, costUsd: 0.3, allLargestUsd: 0.7 };
    const group = [1, 2, 3].map((i) => ({ id: `b${i}`, ...same }));
    for (const settings of [
      { lambda: 0.5, mu: 0.1 },
      { lambda: 0, mu: 0 },
      { lambda: 3.7, mu: 11 },
    ]) {
      const g = groupFigures(group, settings);
      expect(g).toMatchObject({ std: 0, noSignal: true, noSignalOutcome: true });
      for (const r of g.rollouts) expect(r).toMatchObject({ advantage: 0, scaledAdvantage: null, rank: 1, rankOutcome: 1 });
    }
  });

  it('finds an outcome without signal that the cost separates (rollouts without judgments)', () => {
    const g = groupFigures([
      { id: 'd1', correct: true, processScore: null, costUsd: 1, allLargestUsd: 4 },
      { id: 'd2', correct: true, processScore: null, costUsd: 3, allLargestUsd: 4 },
    ]);
    expect(g.noSignalOutcome).toBe(true);
    expect(g.noSignal).toBe(false);
    expect(g.std).toBeCloseTo(0.03535533905932733, 15);
    expect(g.rollouts.map((r) => r.rank)).toEqual([1, 2]);
    expect(g.rollouts.map((r) => r.rankOutcome)).toEqual([1, 1]);
  });

  it('counts rewards within 1e-12 as equal', () => {
    expect(groupRewardStats([1, 1 + 5e-13])).toMatchObject({ std: 0, noSignal: true });
    expect(groupRewardStats([1, 1 + 2e-12]).noSignal).toBe(false);
    expect(groupRanks([1, 1 + 5e-13, 0.5])).toEqual([1, 1, 3]);
  });
});

const rollout = (
  step: number,
  group: string,
  id: string,
  correct: boolean,
  processScore: number | null,
  costUsd: number,
  small: number,
  large: number,
): TrainingRolloutInput => ({
  id,
  step,
  group,
  correct,
  processScore,
  costUsd,
  allLargestUsd: 4,
  stepsByModel: { small, large },
});

describe('trainingCurve', () => {
  it('gives the per-step figures of scoring.md', () => {
    const curve = trainingCurve([
      // step 0: group g (two rollouts, both correct) and a one-rollout group h.
      rollout(0, 'g', 'x1', true, 0.5, 1, 3, 1),
      rollout(0, 'g', 'x2', true, 0.5, 2, 2, 2),
      rollout(0, 'h', 'x3', false, null, 4, 0, 4),
      // step 1: one group of identical rollouts.
      rollout(1, 'k', 'y1', false, 0.25, 2, 1, 1),
      rollout(1, 'k', 'y2', false, 0.25, 2, 1, 1),
    ]);
    expect(curve.map((s) => s.step)).toEqual([0, 1]);
    const [s0, s1] = curve as [(typeof curve)[0], (typeof curve)[0]];
    expect(s0).toMatchObject({ rollouts: 3, groups: 2, noSignalShareOutcome: 1, noSignalShare: 0 });
    expect(s0.accuracy).toBeCloseTo(2 / 3, 15);
    expect(s0.meanCostUsd).toBeCloseTo(7 / 3, 15);
    expect(s0.meanProcessScore).toBe(0.5); // x3 has none
    // rewards 1 + 0.25 - 0.025, 1 + 0.25 - 0.05, 0 + 0 - 0.1
    expect(s0.meanReward).toBeCloseTo((1.225 + 1.2 - 0.1) / 3, 15);
    expect(s0.stepShareByModel).toEqual({ small: 5 / 12, large: 7 / 12 });
    // Only g has two rollouts: std of 1.225 and 1.2.
    expect(s0.meanGroupRewardStd).toBeCloseTo(0.025 / Math.SQRT2, 15);
    expect(s1).toMatchObject({ rollouts: 2, groups: 1, accuracy: 0, meanGroupRewardStd: 0, noSignalShareOutcome: 1, noSignalShare: 1 });
  });

  it('has no group figures for a step of one-rollout groups', () => {
    const [s] = trainingCurve([rollout(3, 'g', 'z', true, null, 1, 1, 0)]);
    expect(s).toMatchObject({ groups: 1, meanProcessScore: null, meanGroupRewardStd: null, noSignalShareOutcome: null, noSignalShare: null });
  });
});

describe('momentsVerdict', () => {
  const momentsOf = (group: readonly RolloutInput[]) => group.reduce((m, r) => addToMoments(m, rewardInputs(r)), emptyMoments(rewardInputs(group[0]!)));

  it('agrees with the rollouts: the std where it decides a signal, exact no signal where every weighed input is constant', () => {
    const m = momentsOf(A);
    const v = momentsVerdict(m, { lambda: 0.5, mu: 0.1 });
    expect(v.kind).toBe('signal');
    if (v.kind === 'signal') expect(v.std).toBeCloseTo(0.5647639624952475, 14);
    const same = momentsOf([A[0]!, { ...A[0]!, id: 'z' }]);
    expect(momentsVerdict(same, { lambda: 9, mu: 9 })).toEqual({ kind: 'no_signal' });
    // Outcome constant, process varies: no signal only where lambda = 0 and the cost is constant.
    const p = momentsOf([A[0]!, { ...A[0]!, id: 'z', processScore: 0.3 }]);
    expect(momentsVerdict(p, { lambda: 0, mu: 0.4 })).toEqual({ kind: 'no_signal' });
    expect(momentsVerdict(p, { lambda: 0.5, mu: 0 }).kind).toBe('signal');
  });

  it('is undecided where rewards coincide without constant inputs, and the rollouts then say no signal', () => {
    // 1 + 0.5 * 0 = 0 + 0.5 * 2: the outcome and the process cancel at lambda 0.5 (process scores are
    // in [0, 1] in practice; the arithmetic does not care).
    const g: RolloutInput[] = [
      { id: 'u', correct: true, processScore: 0, costUsd: 1, allLargestUsd: 1 },
      { id: 'v', correct: false, processScore: 2, costUsd: 1, allLargestUsd: 1 },
    ];
    expect(momentsVerdict(momentsOf(g), { lambda: 0.5, mu: 0.1 })).toEqual({ kind: 'undecided' });
    expect(groupFigures(g).noSignal).toBe(true);
  });

  it('never calls a signal where the rollouts have none, and never misses one the rollouts have (property)', () => {
    const input = fc.record({
      correct: fc.boolean(),
      processScore: fc.option(fc.constantFrom(0, 0.25, 0.5, 0.75, 1, 1 / 3), { nil: null }),
      costUsd: fc.constantFrom(0, 0.1, 0.2, 0.3, 1),
    });
    fc.assert(
      fc.property(fc.array(input, { minLength: 2, maxLength: 12 }), fc.constantFrom(0, 0.5, 1, 2.5), fc.constantFrom(0, 0.1, 1), (xs, lambda, mu) => {
        const group = xs.map((x, i) => ({ id: String(i), allLargestUsd: 1, ...x }));
        const truth = groupFigures(group, { lambda, mu });
        // Added one by one and with a rollout removed and added again, as relabels move the sums.
        let m = momentsOf(group);
        m = addToMoments(addToMoments(m, rewardInputs(group[1]!), -1), rewardInputs(group[1]!), 1);
        const v = momentsVerdict(m, { lambda, mu });
        if (v.kind === 'no_signal') expect(truth.noSignal).toBe(true);
        if (v.kind === 'signal') {
          expect(truth.noSignal).toBe(false);
          expect(v.std).toBeCloseTo(truth.std!, 9);
        }
      }),
      { numRuns: 500 },
    );
  });
});
