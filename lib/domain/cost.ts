import { compareIds, sum } from './compare';
import type { ModelPrice, StepCostInput } from './types';

/** One model's part of a trajectory's (or a set of trajectories') cost. */
export interface ModelBreakdown {
  model: string;
  steps: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  /** costUsd / total cost; `null` when the total cost is 0 (a share of nothing is undefined). */
  share: number | null;
}

/**
 * Index a trajectory's `models` by id. A repeated id with the same prices is harmless; with other
 * prices the cost would depend on which entry wins, so it is refused.
 */
export function pricesById(models: readonly ModelPrice[]): Map<string, ModelPrice> {
  const byId = new Map<string, ModelPrice>();
  for (const model of models) {
    const seen = byId.get(model.id);
    if (seen && (seen.usdPerMtokIn !== model.usdPerMtokIn || seen.usdPerMtokOut !== model.usdPerMtokOut)) {
      throw new Error(`model "${model.id}" is listed twice with different prices`);
    }
    byId.set(model.id, model);
  }
  return byId;
}

/** Tokens priced per million, written exactly as scoring.md writes it (divide each term by 1e6). */
export function tokenCost(tokensIn: number, tokensOut: number, model: ModelPrice): number {
  return (tokensIn * model.usdPerMtokIn) / 1e6 + (tokensOut * model.usdPerMtokOut) / 1e6;
}

export function stepCost(step: StepCostInput, pricesById: ReadonlyMap<string, ModelPrice>): number {
  const model = pricesById.get(step.model);
  if (!model) {
    throw new Error(`step names model "${step.model}", which is not among the trajectory's models`);
  }
  if (typeof step.costUsd === 'number') {
    // A negative or non-finite given cost would poison every sum it enters; refuse it here.
    if (!Number.isFinite(step.costUsd) || step.costUsd < 0) {
      throw new Error(`step cost_usd must be a finite number >= 0, got ${step.costUsd}`);
    }
    return step.costUsd;
  }
  return tokenCost(step.tokensIn, step.tokensOut, model);
}

export function stepCosts(steps: readonly StepCostInput[], models: readonly ModelPrice[]): number[] {
  const byId = pricesById(models);
  return steps.map((step) => stepCost(step, byId));
}

/**
 * Running sum with the same left-to-right additions as `trajectoryCost`, so the last entry equals
 * the trajectory cost bit for bit (a compensated sum would make the two disagree in the last ulp).
 */
export function cumulativeCosts(costs: readonly number[]): number[] {
  const running: number[] = [];
  let total = 0;
  for (const cost of costs) {
    total += cost;
    running.push(total);
  }
  return running;
}

export function trajectoryCost(costs: readonly number[]): number {
  return sum(costs);
}

function shareOf(part: number, total: number): number | null {
  return total === 0 ? null : part / total;
}

/** Costliest model first; equal costs by model id, so the order never depends on input order. */
function byCostThenId(a: ModelBreakdown, b: ModelBreakdown): number {
  return b.costUsd - a.costUsd || compareIds(a.model, b.model);
}

export function costBreakdown(steps: readonly StepCostInput[], costs: readonly number[]): ModelBreakdown[] {
  if (steps.length !== costs.length) {
    throw new Error(`costBreakdown: ${steps.length} steps but ${costs.length} costs`);
  }
  const rows = new Map<string, ModelBreakdown>();
  steps.forEach((step, i) => {
    const row = rows.get(step.model) ?? { model: step.model, steps: 0, tokensIn: 0, tokensOut: 0, costUsd: 0, share: null };
    row.steps += 1;
    row.tokensIn += step.tokensIn;
    row.tokensOut += step.tokensOut;
    row.costUsd += costs[i] as number;
    rows.set(step.model, row);
  });
  const total = trajectoryCost(costs);
  return [...rows.values()].map((row) => ({ ...row, share: shareOf(row.costUsd, total) })).sort(byCostThenId);
}

/** Sums per-trajectory breakdowns; shares are recomputed against the set's total cost. */
export function mergeBreakdowns(list: readonly (readonly ModelBreakdown[])[]): ModelBreakdown[] {
  const rows = new Map<string, ModelBreakdown>();
  let total = 0;
  for (const breakdown of list) {
    for (const part of breakdown) {
      const row = rows.get(part.model) ?? { model: part.model, steps: 0, tokensIn: 0, tokensOut: 0, costUsd: 0, share: null };
      row.steps += part.steps;
      row.tokensIn += part.tokensIn;
      row.tokensOut += part.tokensOut;
      row.costUsd += part.costUsd;
      total += part.costUsd;
      rows.set(part.model, row);
    }
  }
  return [...rows.values()].map((row) => ({ ...row, share: shareOf(row.costUsd, total) })).sort(byCostThenId);
}

/** The trajectory's tokens priced as if every step had gone to `model`; given cost_usd is ignored. */
export function counterfactualCost(steps: readonly StepCostInput[], model: ModelPrice): number {
  return sum(steps.map((step) => tokenCost(step.tokensIn, step.tokensOut, model)));
}

export function counterfactualCosts(steps: readonly StepCostInput[], models: readonly ModelPrice[]): Record<string, number> {
  // fromEntries defines own properties, so an id such as "__proto__" stays an ordinary key.
  return Object.fromEntries([...pricesById(models).values()].map((m) => [m.id, counterfactualCost(steps, m)]));
}

/**
 * Most expensive by output price, then input price; among models priced exactly alike the
 * smallest id (code-unit order) wins, so the baseline never depends on the order of `models`.
 */
function isPricier(a: ModelPrice, b: ModelPrice): boolean {
  if (a.usdPerMtokOut !== b.usdPerMtokOut) return a.usdPerMtokOut > b.usdPerMtokOut;
  if (a.usdPerMtokIn !== b.usdPerMtokIn) return a.usdPerMtokIn > b.usdPerMtokIn;
  return compareIds(a.id, b.id) < 0;
}

export function allLargestModel(models: readonly ModelPrice[]): ModelPrice {
  const [first, ...rest] = models;
  if (!first) throw new Error('allLargestModel: a trajectory lists at least one model');
  return rest.reduce((best, model) => (isPricier(model, best) ? model : best), first);
}

/** cost / all-largest cost; `null` when the all-largest cost is 0 (0/0 and x/0 are undefined). */
export function costRatio(cost: number, allLargestCost: number): number | null {
  return allLargestCost === 0 ? null : cost / allLargestCost;
}

/** 1 - cost / all-largest cost; `null` exactly when `costRatio` is. May be negative (costlier than baseline). */
export function savings(cost: number, allLargestCost: number): number | null {
  const ratio = costRatio(cost, allLargestCost);
  return ratio === null ? null : 1 - ratio;
}

/**
 * The largest cost, in US dollars, that routelens stores for a step, a trajectory or its all-largest
 * baseline, and the largest cost ratio. Prices and given costs are any numbers >= 0 in the trace
 * format, so tokens × price can overflow to Infinity (and a finite cost over a tiny baseline can
 * too); every sum, mean and reward built on such a figure would be Infinity or NaN, which JSON cannot
 * carry. A line beyond these bounds is refused where the figure comes from (docs/scoring.md).
 */
export const MAX_COST_USD = 1e15;
export const MAX_COST_RATIO = 1e15;

export interface CostFigures {
  /** Each step's cost, and its `cost_usd` when it was given rather than priced from its tokens. */
  steps: readonly { costUsd: number; givenCostUsd: number | null }[];
  costUsd: number;
  allLargestUsd: number;
  allLargestModel: string;
}

/** Why a trajectory's cost figures cannot be stored, with the trace path to blame; `null` when they can. */
export function costFigureProblem(f: CostFigures, modelIndex: (id: string) => number): { path: string; message: string } | null {
  const tooLarge = (v: number) => !(v <= MAX_COST_USD);
  const usd = (v: number) => (Number.isFinite(v) ? `${v} USD` : 'too large for a number');
  const limit = `more than ${MAX_COST_USD.toExponential()} USD, the largest cost routelens stores`;
  for (let i = 0; i < f.steps.length; i++) {
    const c = f.steps[i]!.costUsd;
    if (!tooLarge(c)) continue;
    return f.steps[i]!.givenCostUsd !== null
      ? { path: `/steps/${i}/cost_usd`, message: `the step's cost_usd is ${usd(c)}, ${limit}` }
      : {
          path: `/steps/${i}`,
          message: `the step's cost (its tokens at its model's prices) is ${usd(c)}, ${limit}`,
        };
  }
  if (tooLarge(f.costUsd)) {
    return {
      path: '/steps',
      message: `the trajectory's cost (the sum of its step costs) is ${usd(f.costUsd)}, ${limit}`,
    };
  }
  if (tooLarge(f.allLargestUsd)) {
    return {
      path: `/models/${modelIndex(f.allLargestModel)}`,
      message: `the all-largest baseline (every step's tokens at the prices of "${f.allLargestModel}") is ${usd(f.allLargestUsd)}, ${limit}`,
    };
  }
  const ratio = costRatio(f.costUsd, f.allLargestUsd);
  if (ratio !== null && !(ratio <= MAX_COST_RATIO)) {
    return {
      path: '/steps',
      message: `the trajectory costs ${Number.isFinite(ratio) ? ratio : 'too many'} times its all-largest baseline (${f.costUsd} against ${f.allLargestUsd} USD at the prices of "${f.allLargestModel}"), more than ${MAX_COST_RATIO.toExponential()} times, the largest ratio routelens stores: check its steps' cost_usd and its models' prices`,
    };
  }
  return null;
}
