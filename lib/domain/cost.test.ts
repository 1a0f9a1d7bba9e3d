import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allLargestModel,
  costBreakdown,
  costFigureProblem,
  costRatio,
  counterfactualCost,
  counterfactualCosts,
  cumulativeCosts,
  mergeBreakdowns,
  pricesById,
  savings,
  stepCost,
  stepCosts,
  trajectoryCost,
} from './cost';
import type { ModelPrice, StepCostInput } from './types';

const small: ModelPrice = { id: 'small', usdPerMtokIn: 0.1, usdPerMtokOut: 0.4 };
const large: ModelPrice = { id: 'large', usdPerMtokIn: 0.8, usdPerMtokOut: 3.2 };
const models = [small, large];
const prices = pricesById(models);

describe('stepCost', () => {
  it('prices tokens per million when no cost is given', () => {
    // 1e6 * 0.1 / 1e6 + 2e6 * 0.4 / 1e6 = 0.1 + 0.8
    expect(stepCost({ model: 'small', tokensIn: 1_000_000, tokensOut: 2_000_000 }, prices)).toBeCloseTo(0.9, 15);
    // 1000 * 0.8 / 1e6 + 500 * 3.2 / 1e6 = 0.0008 + 0.0016
    expect(stepCost({ model: 'large', tokensIn: 1000, tokensOut: 500, costUsd: null }, prices)).toBeCloseTo(0.0024, 15);
  });

  it('uses the given cost_usd when there is one, even 0', () => {
    expect(stepCost({ model: 'large', tokensIn: 1000, tokensOut: 500, costUsd: 0.25 }, prices)).toBe(0.25);
    expect(stepCost({ model: 'large', tokensIn: 1000, tokensOut: 500, costUsd: 0 }, prices)).toBe(0);
  });

  it('costs 0 for zero tokens and for a free model', () => {
    expect(stepCost({ model: 'small', tokensIn: 0, tokensOut: 0 }, prices)).toBe(0);
    const free = pricesById([{ id: 'free', usdPerMtokIn: 0, usdPerMtokOut: 0 }]);
    expect(stepCost({ model: 'free', tokensIn: 5000, tokensOut: 7000 }, free)).toBe(0);
  });

  it('throws a clear error for an unknown model', () => {
    expect(() => stepCost({ model: 'ghost', tokensIn: 1, tokensOut: 1 }, prices)).toThrow(/"ghost".*not among the trajectory's models/);
  });

  it('refuses a negative or non-finite given cost', () => {
    expect(() => stepCost({ model: 'small', tokensIn: 1, tokensOut: 1, costUsd: -1 }, prices)).toThrow(/cost_usd/);
    expect(() => stepCost({ model: 'small', tokensIn: 1, tokensOut: 1, costUsd: Number.NaN }, prices)).toThrow(/cost_usd/);
  });
});

describe('pricesById', () => {
  it('accepts a repeated model with the same prices and refuses one with other prices', () => {
    expect(pricesById([small, { ...small }]).size).toBe(1);
    expect(() => pricesById([small, { ...small, usdPerMtokOut: 9 }])).toThrow(/twice with different prices/);
  });
});

const steps: StepCostInput[] = [
  { model: 'small', tokensIn: 1_000_000, tokensOut: 0 }, // 0.1
  { model: 'large', tokensIn: 0, tokensOut: 1_000_000, costUsd: 2 }, // given: 2 (priced it would be 3.2)
  { model: 'small', tokensIn: 0, tokensOut: 1_000_000 }, // 0.4
  { model: 'large', tokensIn: 1_000_000, tokensOut: 0 }, // 0.8
];

describe('stepCosts, cumulativeCosts, trajectoryCost', () => {
  it('mixes given and computed costs', () => {
    expect(stepCosts(steps, models)).toEqual([0.1, 2, 0.4, 0.8]);
  });

  it('accumulates to the trajectory cost, bit for bit', () => {
    const costs = stepCosts(steps, models);
    const running = cumulativeCosts(costs);
    expect(running[0]).toBe(0.1);
    expect(running[1]).toBeCloseTo(2.1, 15);
    expect(running[2]).toBeCloseTo(2.5, 15);
    expect(running[3]).toBeCloseTo(3.3, 15);
    expect(running.at(-1)).toBe(trajectoryCost(costs));
  });

  it('is 0 and empty for no steps', () => {
    expect(trajectoryCost([])).toBe(0);
    expect(cumulativeCosts([])).toEqual([]);
  });
});

describe('costBreakdown', () => {
  it('sums steps, tokens and cost per model, costliest first', () => {
    const costs = stepCosts(steps, models);
    const rows = costBreakdown(steps, costs);
    expect(rows.map((r) => r.model)).toEqual(['large', 'small']);
    const [l, s] = rows;
    expect(l).toMatchObject({ model: 'large', steps: 2, tokensIn: 1_000_000, tokensOut: 1_000_000 });
    expect(l?.costUsd).toBeCloseTo(2.8, 15);
    expect(l?.share).toBeCloseTo(2.8 / 3.3, 15);
    expect(s).toMatchObject({ model: 'small', steps: 2, tokensIn: 1_000_000, tokensOut: 1_000_000 });
    expect(s?.costUsd).toBeCloseTo(0.5, 15);
    expect(s?.share).toBeCloseTo(0.5 / 3.3, 15);
  });

  it('orders models of equal cost by id', () => {
    const twoSame: StepCostInput[] = [
      { model: 'small', tokensIn: 0, tokensOut: 0, costUsd: 1 },
      { model: 'large', tokensIn: 0, tokensOut: 0, costUsd: 1 },
    ];
    expect(costBreakdown(twoSame, [1, 1]).map((r) => r.model)).toEqual(['large', 'small']);
  });

  it('gives a null share when the trajectory cost is 0', () => {
    const zero: StepCostInput[] = [{ model: 'small', tokensIn: 0, tokensOut: 0 }];
    expect(costBreakdown(zero, [0])).toEqual([{ model: 'small', steps: 1, tokensIn: 0, tokensOut: 0, costUsd: 0, share: null }]);
  });

  it('refuses costs that do not match the steps', () => {
    expect(() => costBreakdown(steps, [1])).toThrow(/4 steps but 1 costs/);
  });
});

describe('mergeBreakdowns', () => {
  it('sums over trajectories and recomputes shares against the set total', () => {
    const merged = mergeBreakdowns([
      [{ model: 'small', steps: 2, tokensIn: 10, tokensOut: 20, costUsd: 1, share: 1 }],
      [
        { model: 'large', steps: 1, tokensIn: 5, tokensOut: 5, costUsd: 2, share: 0.8 },
        { model: 'small', steps: 3, tokensIn: 1, tokensOut: 2, costUsd: 0.5, share: 0.2 },
      ],
    ]);
    expect(merged).toEqual([
      { model: 'large', steps: 1, tokensIn: 5, tokensOut: 5, costUsd: 2, share: 2 / 3.5 },
      { model: 'small', steps: 5, tokensIn: 11, tokensOut: 22, costUsd: 1.5, share: 1.5 / 3.5 },
    ]);
  });

  it('gives null shares when the set costs nothing, and [] for no trajectories', () => {
    expect(mergeBreakdowns([[{ model: 'a', steps: 1, tokensIn: 0, tokensOut: 0, costUsd: 0, share: null }]])[0]?.share).toBeNull();
    expect(mergeBreakdowns([])).toEqual([]);
  });
});

describe('counterfactual cost', () => {
  it('prices every step on one model and ignores given cost_usd', () => {
    // tokens in 2e6, tokens out 2e6 in total
    expect(counterfactualCost(steps, large)).toBeCloseTo(2 * 0.8 + 2 * 3.2, 12);
    expect(counterfactualCost(steps, small)).toBeCloseTo(2 * 0.1 + 2 * 0.4, 12);
  });

  it('lists every model, an id like __proto__ included', () => {
    const odd: ModelPrice = { id: '__proto__', usdPerMtokIn: 1, usdPerMtokOut: 1 };
    const all = counterfactualCosts([{ model: 'small', tokensIn: 1_000_000, tokensOut: 0 }], [small, odd]);
    expect(Object.keys(all)).toEqual(['small', '__proto__']);
    expect(all['__proto__']).toBe(1);
    expect(JSON.parse(JSON.stringify(all))).toEqual({ small: 0.1, ['__proto__']: 1 });
  });
});

describe('allLargestModel', () => {
  it('picks the highest output price', () => {
    expect(allLargestModel([small, large]).id).toBe('large');
    expect(allLargestModel([large, small]).id).toBe('large');
  });

  it('breaks an output-price tie by input price', () => {
    const a: ModelPrice = { id: 'a', usdPerMtokIn: 1, usdPerMtokOut: 5 };
    const b: ModelPrice = { id: 'b', usdPerMtokIn: 2, usdPerMtokOut: 5 };
    expect(allLargestModel([a, b]).id).toBe('b');
    expect(allLargestModel([b, a]).id).toBe('b');
  });

  it('breaks a full price tie by the smallest id, whatever the order', () => {
    const x: ModelPrice = { id: 'model-x', usdPerMtokIn: 1, usdPerMtokOut: 5 };
    const y: ModelPrice = { id: 'model-y', usdPerMtokIn: 1, usdPerMtokOut: 5 };
    const upper: ModelPrice = { id: 'Model-z', usdPerMtokIn: 1, usdPerMtokOut: 5 };
    expect(allLargestModel([y, x]).id).toBe('model-x');
    expect(allLargestModel([x, y]).id).toBe('model-x');
    expect(allLargestModel([y, x, upper]).id).toBe('Model-z'); // code-unit order: 'M' < 'm'
  });

  it('works with free models and refuses an empty list', () => {
    const f1: ModelPrice = { id: 'f1', usdPerMtokIn: 0, usdPerMtokOut: 0 };
    const f2: ModelPrice = { id: 'f2', usdPerMtokIn: 0, usdPerMtokOut: 0 };
    expect(allLargestModel([f2, f1]).id).toBe('f1');
    expect(() => allLargestModel([])).toThrow(/at least one model/);
  });
});

describe('savings and costRatio', () => {
  it('compares the cost with the all-largest cost', () => {
    expect(costRatio(1, 4)).toBe(0.25);
    expect(savings(1, 4)).toBe(0.75);
    expect(savings(4, 4)).toBe(0);
    expect(savings(6, 4)).toBe(-0.5); // costlier than the baseline (given cost_usd can do that)
  });

  it('is null when the all-largest cost is 0', () => {
    expect(costRatio(0, 0)).toBeNull();
    expect(savings(0, 0)).toBeNull();
    expect(costRatio(1, 0)).toBeNull();
    expect(savings(1, 0)).toBeNull();
  });
});

const modelArb = fc.record({
  id: fc.constantFrom('m1', 'm2', 'm3', 'm4'),
  usdPerMtokIn: fc.double({ min: 0, max: 100, noNaN: true }),
  usdPerMtokOut: fc.double({ min: 0, max: 100, noNaN: true }),
});
const stepArb = fc.record({
  model: fc.constantFrom('m1', 'm2', 'm3', 'm4'),
  tokensIn: fc.nat({ max: 1_000_000 }),
  tokensOut: fc.nat({ max: 1_000_000 }),
  costUsd: fc.option(fc.double({ min: 0, max: 10, noNaN: true }), { nil: null }),
});
const fullModels = (ms: ModelPrice[]) => ['m1', 'm2', 'm3', 'm4'].map((id) => ms.find((m) => m.id === id) ?? { id, usdPerMtokIn: 1, usdPerMtokOut: 2 });

describe('properties', () => {
  it('cumulative cost is non-decreasing and ends exactly at the trajectory cost', () => {
    fc.assert(
      fc.property(fc.uniqueArray(modelArb, { selector: (m) => m.id }), fc.array(stepArb, { maxLength: 200 }), (ms, ss) => {
        const costs = stepCosts(ss, fullModels(ms));
        const running = cumulativeCosts(costs);
        for (let k = 1; k < running.length; k++) expect(running[k]).toBeGreaterThanOrEqual(running[k - 1] as number);
        expect(running.length === 0 ? 0 : running.at(-1)).toBe(trajectoryCost(costs));
      }),
    );
  });

  it('the breakdown accounts for every step and token, and shares are null or sum to 1', () => {
    fc.assert(
      fc.property(fc.uniqueArray(modelArb, { selector: (m) => m.id }), fc.array(stepArb, { maxLength: 100 }), (ms, ss) => {
        const rows = costBreakdown(ss, stepCosts(ss, fullModels(ms)));
        expect(rows.reduce((n, r) => n + r.steps, 0)).toBe(ss.length);
        expect(rows.reduce((n, r) => n + r.tokensOut, 0)).toBe(ss.reduce((n, s) => n + s.tokensOut, 0));
        const shares = rows.map((r) => r.share);
        if (shares.some((s) => s !== null)) expect(shares.reduce<number>((a, s) => a + (s ?? 0), 0)).toBeCloseTo(1, 9);
      }),
    );
  });

  it('the all-largest model does not depend on the order of models', () => {
    fc.assert(
      fc.property(fc.array(modelArb, { minLength: 1, maxLength: 8 }), (ms) => {
        const reversed = [...ms].reverse();
        expect(allLargestModel(ms)).toEqual(allLargestModel(reversed));
        for (const m of ms) expect(m.usdPerMtokOut).toBeLessThanOrEqual(allLargestModel(ms).usdPerMtokOut);
      }),
    );
  });
});

describe('costFigureProblem', () => {
  const at = (id: string) => ['small', 'large'].indexOf(id);
  const ok = { steps: [{ costUsd: 1, givenCostUsd: null }], costUsd: 1, allLargestUsd: 2, allLargestModel: 'large' };

  it('accepts figures within the bounds, a zero baseline among them', () => {
    expect(costFigureProblem(ok, at)).toBeNull();
    expect(costFigureProblem({ ...ok, costUsd: 1e15, steps: [{ costUsd: 1e15, givenCostUsd: 1e15 }], allLargestUsd: 1 }, at)).toBeNull();
    expect(costFigureProblem({ ...ok, allLargestUsd: 0 }, at)).toBeNull();
  });

  it('blames a priced step at its index and a given one at its cost_usd', () => {
    expect(
      costFigureProblem(
        {
          ...ok,
          steps: [
            { costUsd: 1, givenCostUsd: null },
            { costUsd: Infinity, givenCostUsd: null },
          ],
        },
        at,
      ),
    ).toMatchObject({
      path: '/steps/1',
      message: expect.stringMatching(/^the step's cost \(its tokens at its model's prices\) is too large for a number, more than 1e\+15 USD/),
    });
    expect(costFigureProblem({ ...ok, steps: [{ costUsd: 2e15, givenCostUsd: 2e15 }] }, at)).toMatchObject({
      path: '/steps/0/cost_usd',
      message: expect.stringMatching(/^the step's cost_usd is 2000000000000000 USD, more than 1e\+15 USD/),
    });
  });

  it('blames the sum, then the baseline model, then the ratio', () => {
    const steps = [
      { costUsd: 6e14, givenCostUsd: 6e14 },
      { costUsd: 6e14, givenCostUsd: 6e14 },
    ];
    expect(costFigureProblem({ ...ok, steps, costUsd: 1.2e15 }, at)?.path).toBe('/steps');
    expect(costFigureProblem({ ...ok, allLargestUsd: NaN }, at)?.path).toBe('/models/1');
    expect(costFigureProblem({ ...ok, allLargestUsd: 1e-16 }, at)).toMatchObject({
      path: '/steps',
      message: expect.stringMatching(/^the trajectory costs 10000000000000000 times its all-largest baseline \(1 against 1e-16 USD at the prices of "large"\)/),
    });
    // 1 / 1e-15 is 999999999999999.9, within the bound: accepted.
    expect(costFigureProblem({ ...ok, allLargestUsd: 1e-15 }, at)).toBeNull();
  });
});
