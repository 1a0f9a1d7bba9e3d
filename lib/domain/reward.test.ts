import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { combinedReward, meanCombinedReward, trajectoryFigures, validateRewardSettings } from './reward';
import type { CriterionDef, JudgmentInput, ModelPrice, StepCostInput } from './types';

describe('combinedReward', () => {
  it('is outcome + lambda * process - mu * cost_ratio with the defaults 0.5 and 0.1', () => {
    // 1 + 0.5 * 0.9 - 0.1 * (0.5 / 2)
    expect(combinedReward({ correct: true, processScore: 0.9, costUsd: 0.5, allLargestUsd: 2 })).toBeCloseTo(1.425, 15);
    // 0 + 0.5 * 0.4 - 0.1 * 1
    expect(combinedReward({ correct: false, processScore: 0.4, costUsd: 3, allLargestUsd: 3 })).toBeCloseTo(0.1, 15);
  });

  it('counts an undefined process score as 0', () => {
    // 0 + 0 - 0.1 * (1 / 4)
    expect(combinedReward({ correct: false, processScore: null, costUsd: 1, allLargestUsd: 4 })).toBeCloseTo(-0.025, 15);
  });

  it('counts the cost ratio as 0 when the all-largest cost is 0', () => {
    expect(combinedReward({ correct: true, processScore: 0.5, costUsd: 0, allLargestUsd: 0 })).toBe(1.25);
    expect(combinedReward({ correct: true, processScore: null, costUsd: 2, allLargestUsd: 0 })).toBe(1);
  });

  it('uses the settings given', () => {
    // 1 + 2 * 0.25 - 1 * (1 / 2)
    expect(combinedReward({ correct: true, processScore: 0.25, costUsd: 1, allLargestUsd: 2 }, { lambda: 2, mu: 1 })).toBe(1);
    expect(combinedReward({ correct: true, processScore: 0.25, costUsd: 1, allLargestUsd: 2 }, { lambda: 0, mu: 0 })).toBe(1);
  });

  it('refuses non-finite settings', () => {
    expect(validateRewardSettings({ lambda: 0.5, mu: 0.1 })).toBeNull();
    expect(validateRewardSettings({ lambda: Number.NaN, mu: 0.1 })).toMatch(/lambda/);
    expect(() => combinedReward({ correct: true, processScore: 1, costUsd: 1, allLargestUsd: 1 }, { lambda: 1, mu: Infinity })).toThrow(/mu/);
  });
});

const small: ModelPrice = { id: 'small', usdPerMtokIn: 0.1, usdPerMtokOut: 0.4 };
const large: ModelPrice = { id: 'large', usdPerMtokIn: 0.8, usdPerMtokOut: 3.2 };
const steps: StepCostInput[] = [
  { model: 'small', tokensIn: 1_000_000, tokensOut: 0 }, // 0.1 (on large: 0.8)
  { model: 'large', tokensIn: 0, tokensOut: 1_000_000 }, // 3.2 (on large: 3.2)
  { model: 'small', tokensIn: 0, tokensOut: 1_000_000, costUsd: 0.5 }, // given 0.5 (on large: 3.2)
];
const criteria: CriterionDef[] = [
  { id: 'c1', weight: 2, scale: { kind: 'binary' } },
  { id: 'c2', weight: 1, scale: { kind: 'numeric', min: 0, max: 10 } },
];
const judgments: JudgmentInput[] = [
  { criterion: 'c1', steps: [0, 1], judgeScore: 1, humanScore: 0 }, // relabelled: 0
  { criterion: 'c2', steps: [1], judgeScore: 8 }, // 0.8
  { criterion: 'c2', steps: [], judgeScore: 6 }, // 0.6, whole trajectory
];

describe('trajectoryFigures', () => {
  it('computes every stored figure of a trajectory', () => {
    const f = trajectoryFigures({ models: [small, large], steps, correct: true, criteria, judgments });
    expect(f.stepCosts).toEqual([0.1, 3.2, 0.5]);
    expect(f.cumulativeCosts[0]).toBe(0.1);
    expect(f.cumulativeCosts[1]).toBeCloseTo(3.3, 15);
    expect(f.cumulativeCosts[2]).toBe(f.costUsd);
    expect(f.costUsd).toBeCloseTo(3.8, 15);
    expect(f.allLargestModel).toBe('large');
    expect(f.allLargestUsd).toBeCloseTo(7.2, 15);
    expect(f.costRatio).toBeCloseTo(3.8 / 7.2, 15);
    expect(f.savings).toBeCloseTo(1 - 3.8 / 7.2, 15);
    // step 0: c1 -> 0; step 1: (2*0 + 1*0.8) / 3; step 2: no judgment
    expect(f.stepRubricScores[0]).toBe(0);
    expect(f.stepRubricScores[1]).toBeCloseTo(0.8 / 3, 15);
    expect(f.stepRubricScores[2]).toBeNull();
    expect(f.criterionScores).toEqual([
      { id: 'c1', weight: 2, score: 0 },
      { id: 'c2', weight: 1, score: 0.7 },
    ]);
    expect(f.processScore).toBeCloseTo(0.7 / 3, 15);
    // 1 + 0.5 * (0.7 / 3) - 0.1 * (3.8 / 7.2)
    expect(f.reward).toBeCloseTo(1.0638888888888889, 12);
  });

  it('handles a trajectory without rubric or judgments: process null, reward uses 0', () => {
    const f = trajectoryFigures({ models: [small, large], steps, correct: false, criteria: [], judgments: [] });
    expect(f.stepRubricScores).toEqual([null, null, null]);
    expect(f.criterionScores).toEqual([]);
    expect(f.processScore).toBeNull();
    expect(f.reward).toBeCloseTo(-0.1 * (3.8 / 7.2), 15);
  });

  it('handles zero-cost models: ratio and savings null, no cost penalty', () => {
    const free: ModelPrice[] = [
      { id: 'free-a', usdPerMtokIn: 0, usdPerMtokOut: 0 },
      { id: 'free-b', usdPerMtokIn: 0, usdPerMtokOut: 0 },
    ];
    const f = trajectoryFigures({
      models: free,
      steps: [{ model: 'free-b', tokensIn: 10, tokensOut: 10 }],
      correct: true,
      criteria,
      judgments: [{ criterion: 'c1', steps: [0], judgeScore: 1 }],
    });
    expect(f).toMatchObject({ stepCosts: [0], cumulativeCosts: [0], costUsd: 0, allLargestModel: 'free-a', allLargestUsd: 0 });
    expect(f.savings).toBeNull();
    expect(f.costRatio).toBeNull();
    expect(f.reward).toBe(1.5);
  });

  it('applies the reward settings given', () => {
    const f = trajectoryFigures({ models: [small, large], steps, correct: true, criteria, judgments }, { lambda: 0, mu: 0 });
    expect(f.reward).toBe(1);
  });
});

describe('properties', () => {
  it('the reward is a finite number, within [-mu, 1 + lambda] when the cost is at most the baseline', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (correct, process, baseline, fraction) => {
          const reward = combinedReward({ correct, processScore: process, costUsd: baseline * fraction, allLargestUsd: baseline });
          expect(Number.isFinite(reward)).toBe(true);
          expect(reward).toBeGreaterThanOrEqual(-0.1);
          expect(reward).toBeLessThanOrEqual(1.5);
        },
      ),
    );
  });
});

describe('meanCombinedReward', () => {
  it('is the mean of the rewards, from sums', () => {
    const ts = [
      { correct: true, processScore: 0.5, costUsd: 1, allLargestUsd: 4 },
      { correct: false, processScore: null, costUsd: 2, allLargestUsd: 2 },
      { correct: true, processScore: 1, costUsd: 0, allLargestUsd: 0 },
    ];
    const settings = { lambda: 1.5, mu: 0.3 };
    const mean = ts.reduce((s, t) => s + combinedReward(t, settings), 0) / 3;
    // correct 2, process 1.5, cost ratios 0.25 + 1 + 0 (undefined counts 0)
    expect(meanCombinedReward({ trajectories: 3, correct: 2, sumProcess: 1.5, sumCostRatio: 1.25 }, settings)).toBeCloseTo(mean, 15);
    expect(meanCombinedReward({ trajectories: 0, correct: 0, sumProcess: 0, sumCostRatio: 0 })).toBeNull();
  });
});
