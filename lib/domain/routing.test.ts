import { describe, expect, it } from 'vitest';
import {
  addRoutingContribution,
  cheapestFirst,
  comparePrice,
  emptyRoutingTotals,
  positionBin,
  routerConfidence,
  routingContribution,
  routingDecisions,
  routingFigures,
  routingQuality,
  stepEscalations,
  stepRouting,
  unitBin,
  type RoutingTrajectoryInput,
} from './routing';
import type { ModelPrice } from './types';

const small: ModelPrice = { id: 'small', usdPerMtokIn: 0.1, usdPerMtokOut: 0.4 };
const mid: ModelPrice = { id: 'mid', usdPerMtokIn: 0.3, usdPerMtokOut: 1.2 };
const large: ModelPrice = { id: 'large', usdPerMtokIn: 0.8, usdPerMtokOut: 3.2 };

describe('price order', () => {
  it('orders by output price, then input price, then id with the smaller id as the pricier', () => {
    expect(cheapestFirst([large, small, mid]).map((m) => m.id)).toEqual(['small', 'mid', 'large']);
    const cheapIn = { id: 'x', usdPerMtokIn: 0.1, usdPerMtokOut: 1.2 };
    expect(comparePrice(cheapIn, mid)).toBeLessThan(0);
    const a = { id: 'a', usdPerMtokIn: 1, usdPerMtokOut: 2 };
    const b = { id: 'b', usdPerMtokIn: 1, usdPerMtokOut: 2 };
    // As for the all-largest baseline: among equal prices the smallest id is the "largest".
    expect(cheapestFirst([a, b]).map((m) => m.id)).toEqual(['b', 'a']);
    expect(cheapestFirst([small, small, large]).map((m) => m.id)).toEqual(['small', 'large']);
  });
});

describe('positionBin', () => {
  it('is 0 for a one-step trajectory', () => {
    expect(positionBin(0, 1)).toBe(0);
  });

  it('puts the first step in bin 0 and the last in bin 9', () => {
    expect(positionBin(0, 2)).toBe(0);
    expect(positionBin(1, 2)).toBe(9);
    expect([0, 1, 2].map((i) => positionBin(i, 3))).toEqual([0, 5, 9]);
  });

  it('puts a step at exactly k tenths into bin k', () => {
    // 11 steps: positions 0, 0.1, ..., 1
    expect(Array.from({ length: 11 }, (_, i) => positionBin(i, 11))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9]);
    // 21 steps: position 0.35 (index 7) is in [0.3, 0.4)
    expect(positionBin(7, 21)).toBe(3);
  });

  it('refuses an index outside the trajectory', () => {
    expect(() => positionBin(2, 2)).toThrow(/not one of steps 0..1/);
    expect(() => positionBin(0, 0)).toThrow(/at least one step/);
  });
});

describe('unitBin', () => {
  it('is floor(10 x), with exactly 1 in the last bin', () => {
    expect([0, 0.05, 0.1, 0.3, 0.7, 0.8999, 0.9, 1].map(unitBin)).toEqual([0, 0, 1, 3, 7, 8, 9, 9]);
    expect(() => unitBin(1.01)).toThrow(/\[0, 1\]/);
  });
});

describe('routerConfidence', () => {
  it('reads the chosen probability and the normalized entropy of two models', () => {
    const c = routerConfidence({ small: 0.2, large: 0.8 }, 'large', 2)!;
    expect(c.chosenProbability).toBe(0.8);
    // -(0.2 log2 0.2 + 0.8 log2 0.8) / log2 2
    expect(c.normalizedEntropy).toBeCloseTo(0.7219280948873623, 14);
    expect(c.onTopChoice).toBe(true);
  });

  it('divides probabilities by their sum (0.995 here)', () => {
    const c = routerConfidence({ small: 0.6, mid: 0.395 }, 'mid', 3)!;
    expect(c.chosenProbability).toBeCloseTo(0.3969849246231156, 15); // 0.395 / 0.995
    // -(0.60302 log2 0.60302 + 0.39698 log2 0.39698) / log2 3
    expect(c.normalizedEntropy).toBeCloseTo(0.61147159116773, 13);
    expect(c.onTopChoice).toBe(false);
  });

  it('gives a model that the router leaves out probability 0, and counts every listed model in m', () => {
    const c = routerConfidence({ small: 0.7, mid: 0.3 }, 'large', 3)!;
    expect(c.chosenProbability).toBe(0);
    expect(c.onTopChoice).toBe(false);
    // -(0.7 log2 0.7 + 0.3 log2 0.3) / log2 3: the left-out model's 0 adds nothing
    expect(c.normalizedEntropy).toBeCloseTo(0.5560326498763891, 14);
  });

  it('counts a model tied for the highest probability as the top choice', () => {
    const c = routerConfidence({ small: 0.4, large: 0.4, mid: 0.2 }, 'large', 3)!;
    expect(c.onTopChoice).toBe(true);
    expect(c.normalizedEntropy).toBeCloseTo(0.9602297178607612, 14);
    expect(routerConfidence({ small: 0.5, large: 0.5 }, 'small', 2)).toEqual({ chosenProbability: 0.5, normalizedEntropy: 1, onTopChoice: true });
  });

  it('is 0 entropy for one model and for all the mass on one model', () => {
    expect(routerConfidence({ small: 1 }, 'small', 1)).toEqual({ chosenProbability: 1, normalizedEntropy: 0, onTopChoice: true });
    const sure = routerConfidence({ small: 0, large: 1 }, 'large', 2)!;
    expect(Object.is(sure.normalizedEntropy, 0)).toBe(true);
  });

  it('keeps a uniform distribution at exactly 1 despite rounding', () => {
    const third = 1 / 3;
    expect(routerConfidence({ a: third, b: third, c: third }, 'a', 3)!.normalizedEntropy).toBe(1);
  });

  it('is null without probabilities to read', () => {
    expect(routerConfidence(undefined, 'small', 2)).toBeNull();
    expect(routerConfidence(null, 'small', 2)).toBeNull();
    expect(routerConfidence({}, 'small', 2)).toBeNull();
  });
});

describe('stepEscalations', () => {
  it('marks switches up and down the price order, nothing on the first step or on staying', () => {
    expect(stepEscalations([small, mid, large], ['small', 'small', 'large', 'mid', 'mid', 'small', 'mid'])).toEqual([
      null,
      null,
      'up',
      'down',
      null,
      'down',
      'up',
    ]);
  });

  it('orders equally priced models by id, the smaller id as the pricier', () => {
    const a = { id: 'a', usdPerMtokIn: 1, usdPerMtokOut: 2 };
    const b = { id: 'b', usdPerMtokIn: 1, usdPerMtokOut: 2 };
    expect(stepEscalations([a, b], ['b', 'a', 'b'])).toEqual([null, 'up', 'down']);
  });

  it('refuses a model that the trajectory does not list', () => {
    expect(() => stepEscalations([small], ['small', 'ghost'])).toThrow(/"ghost"/);
  });
});

// Three trajectories computed by hand (see the comments); models small < mid < large.
const oneStep: RoutingTrajectoryInput = {
  models: [small, large],
  steps: [{ model: 'large', probs: { small: 0.2, large: 0.8 } }],
  correct: true,
  stepScores: [1],
};
const fourSteps: RoutingTrajectoryInput = {
  models: [small, mid, large],
  steps: [
    { model: 'small', probs: { small: 0.7, mid: 0.3 } }, // names only some models; p 0.7 (bin 7), H 0.556 (bin 5)
    { model: 'large', probs: { small: 0.4, large: 0.4, mid: 0.2 } }, // tie at the top; p 0.4 (bin 4), H 0.960 (bin 9); up
    { model: 'mid' }, // no router; down
    { model: 'mid', probs: { small: 0.6, mid: 0.395 } }, // sum 0.995; p 0.397 (bin 3), H 0.611 (bin 6); off the top choice
  ],
  correct: false,
  stepScores: [0.5, null, 1, 0.25], // step 1 has no judgment
};
const noRouter: RoutingTrajectoryInput = {
  models: [small, large],
  steps: [{ model: 'small' }, { model: 'small' }],
  correct: true,
  stepScores: [null, null],
};

describe('stepRouting', () => {
  it('gives each step its escalation, chosen probability, normalized entropy and top-choice flag', () => {
    const r = stepRouting(fourSteps.models, fourSteps.steps);
    expect(r.map((s) => s.escalation)).toEqual([null, 'up', 'down', null]);
    expect(r.map((s) => s.onTopChoice)).toEqual([true, true, null, false]);
    expect(r[2]).toEqual({ escalation: 'down', chosenProbability: null, normalizedEntropy: null, onTopChoice: null });
    expect(r[0]!.chosenProbability).toBe(0.7);
    expect(r[1]!.chosenProbability).toBe(0.4);
  });
});

describe('routingContribution', () => {
  it('counts a one-step trajectory', () => {
    const c = routingContribution(oneStep);
    expect(c.models).toEqual(['large']);
    expect(c.positionSteps).toEqual([[1, 0, 0, 0, 0, 0, 0, 0, 0, 0]]);
    expect([c.switches, c.escalations, c.deescalations]).toEqual([0, 0, 0]);
    expect([c.routerSteps, c.notArgmax]).toEqual([1, 0]);
    expect(c.chosenProbabilityHistogram).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    expect(c.normalizedEntropyHistogram).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect([c.scoredByModel, c.scoreSumByModel]).toEqual([[1], [1]]);
    expect(c.scoredByBin).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
  });

  it('counts positions, switches, confidence and quality of a four-step trajectory', () => {
    const c = routingContribution(fourSteps);
    expect(c.models).toEqual(['small', 'mid', 'large']);
    // positions 0, 1/3, 2/3, 1: bins 0, 3, 6, 9
    expect(c.positionSteps).toEqual([
      [1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 1, 0, 0, 1],
      [0, 0, 0, 1, 0, 0, 0, 0, 0, 0],
    ]);
    expect([c.switches, c.escalations, c.deescalations]).toEqual([2, 1, 1]);
    expect([c.routerSteps, c.notArgmax]).toEqual([3, 1]);
    expect(c.chosenProbabilityHistogram).toEqual([0, 0, 0, 1, 1, 0, 0, 1, 0, 0]);
    expect(c.normalizedEntropyHistogram).toEqual([0, 0, 0, 0, 0, 1, 1, 0, 0, 1]);
    // small: step 0 (0.5); mid: steps 2 and 3 (1 + 0.25); large: step 1 has no score
    expect(c.scoredByModel).toEqual([1, 2, 0]);
    expect(c.scoreSumByModel).toEqual([0.5, 1.25, 0]);
    // by chosen probability: step 0 in bin 7, step 3 in bin 3; step 2 has no router
    expect(c.scoredByBin).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0, 0]);
    expect(c.scoreSumByBin).toEqual([0, 0, 0, 0.25, 0, 0, 0, 0.5, 0, 0]);
  });

  it('leaves steps without router out of the confidence figures only', () => {
    const c = routingContribution(noRouter);
    expect(c.positionSteps).toEqual([[1, 0, 0, 0, 0, 0, 0, 0, 0, 1]]);
    expect(c.routerSteps).toBe(0);
    expect(c.chosenProbabilityHistogram.every((x) => x === 0)).toBe(true);
    expect(c.scoredByModel).toEqual([0]);
  });
});

describe('routingQuality', () => {
  it('is the quality part of a contribution, from models, chosen probabilities and scores', () => {
    const q = routingQuality(['small', 'large'], ['small', 'large', 'large'], [1, null, 0.05], [0, 1, 0.5]);
    expect(q).toEqual({
      scoredByModel: [1, 2],
      scoreSumByModel: [0, 1.5],
      scoredByBin: [1, 0, 0, 0, 0, 0, 0, 0, 0, 1],
      scoreSumByBin: [0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    });
  });
});

describe('routingDecisions', () => {
  const f = routingDecisions([oneStep, fourSteps, noRouter]);

  it('counts the set', () => {
    expect([f.trajectories, f.steps]).toEqual([3, 7]);
    expect(f.models).toEqual(['small', 'mid', 'large']);
  });

  it('profiles positions: steps per bin and their share by model, null where a bin is empty', () => {
    const shares = f.positionProfile.map((b) => [b.bin, b.steps, b.shareByModel]);
    expect(shares[0]).toEqual([0, 3, { small: 2 / 3, mid: 0, large: 1 / 3 }]);
    expect(shares[3]).toEqual([3, 1, { small: 0, mid: 0, large: 1 }]);
    expect(shares[6]).toEqual([6, 1, { small: 0, mid: 1, large: 0 }]);
    expect(shares[9]).toEqual([9, 2, { small: 0.5, mid: 0.5, large: 0 }]);
    expect(shares[1]).toEqual([1, 0, { small: null, mid: null, large: null }]);
  });

  it('averages switches per trajectory and gives accuracy by escalation count', () => {
    expect(f.switches).toEqual({
      meanSwitches: 2 / 3,
      meanEscalations: 1 / 3,
      meanDeescalations: 1 / 3,
      shareEscalating: 1 / 3,
      byEscalations: [
        { escalations: '0', trajectories: 2, accuracy: 1 },
        { escalations: '1', trajectories: 1, accuracy: 0 },
        { escalations: '2', trajectories: 0, accuracy: null },
        { escalations: '3+', trajectories: 0, accuracy: null },
      ],
    });
  });

  it('puts three or more escalations in one class', () => {
    const many: RoutingTrajectoryInput = {
      models: [small, large],
      steps: ['small', 'large', 'small', 'large', 'small', 'large', 'small', 'large'].map((model) => ({ model })),
      correct: true,
      stepScores: new Array(8).fill(null),
    };
    const g = routingDecisions([many]);
    expect(g.switches.byEscalations.map((e) => e.trajectories)).toEqual([0, 0, 0, 1]);
    expect([g.switches.meanEscalations, g.switches.meanDeescalations, g.switches.meanSwitches]).toEqual([4, 3, 7]);
  });

  it('histograms the router confidence over the steps that carry probabilities', () => {
    expect(f.confidence).toEqual({
      steps: 4,
      chosenProbability: [0, 0, 0, 1, 1, 0, 0, 1, 1, 0],
      normalizedEntropy: [0, 0, 0, 0, 0, 1, 1, 1, 0, 1],
      shareNotArgmax: 0.25,
    });
  });

  it('gives mean step scores by model and by chosen-probability bin, with their counts', () => {
    expect(f.quality.byModel).toEqual([
      { model: 'small', scoredSteps: 1, meanStepScore: 0.5 },
      { model: 'mid', scoredSteps: 2, meanStepScore: 0.625 },
      { model: 'large', scoredSteps: 1, meanStepScore: 1 },
    ]);
    const bins = f.quality.byChosenProbability;
    expect(bins[8]).toEqual({ bin: 8, scoredSteps: 1, meanStepScore: 1 });
    expect(bins[7]).toEqual({ bin: 7, scoredSteps: 1, meanStepScore: 0.5 });
    expect(bins[3]).toEqual({ bin: 3, scoredSteps: 1, meanStepScore: 0.25 });
    expect(bins[0]).toEqual({ bin: 0, scoredSteps: 0, meanStepScore: null });
  });

  it('is all null over no trajectories', () => {
    const e = routingDecisions([]);
    expect(e.trajectories).toBe(0);
    expect(e.models).toEqual([]);
    expect(e.switches.meanSwitches).toBeNull();
    expect(e.switches.shareEscalating).toBeNull();
    expect(e.confidence.shareNotArgmax).toBeNull();
    expect(e.positionProfile[0]).toEqual({ bin: 0, steps: 0, shareByModel: {} });
  });
});

describe('addRoutingContribution', () => {
  it('removes exactly what it added (sign -1)', () => {
    const totals = emptyRoutingTotals();
    addRoutingContribution(totals, routingContribution(oneStep), oneStep.correct);
    addRoutingContribution(totals, routingContribution(fourSteps), fourSteps.correct);
    addRoutingContribution(totals, routingContribution(fourSteps), fourSteps.correct, -1);
    expect(routingFigures(totals, [small, mid, large])).toEqual(routingDecisions([oneStep]));
  });

  it('needs a price for every model it orders', () => {
    const totals = emptyRoutingTotals();
    addRoutingContribution(totals, routingContribution(oneStep), true);
    expect(() => routingFigures(totals, [small])).toThrow(/"large"/);
  });
});
