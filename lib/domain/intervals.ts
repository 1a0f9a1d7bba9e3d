// 95% intervals of the overview's per-run figures (scoring.md "Intervals"), from sums that rollups keep:
// Wilson's score interval for accuracy (correct of n), Student's t interval for the mean cost (from n,
// the sum and the sum of squares). Both are null where they are undefined (n = 0; n = 1 for t).
import { tokenCost } from './cost';
import type { ModelPrice } from './types';

/** The standard normal's 0.975 quantile. */
export const Z_95 = 1.959963984540054;

/** Student's t 0.975 quantiles for 1..30 degrees of freedom. */
const T_975 = [
  12.706204736, 4.30265273, 3.182446305, 2.776445105, 2.570581836, 2.446911851, 2.364624252, 2.306004135, 2.262157163, 2.228138852, 2.20098516, 2.17881283,
  2.160368656, 2.144786688, 2.131449546, 2.119905299, 2.109815578, 2.10092204, 2.093024054, 2.085963447, 2.079613845, 2.073873068, 2.06865761, 2.063898562,
  2.059538553, 2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456,
];

/** Student's t 0.975 quantile: a table to 30 degrees of freedom, then the Cornish-Fisher expansion (error below 1e-6). */
export function tQuantile975(df: number): number {
  if (!(df >= 1)) throw new RangeError('degrees of freedom must be at least 1');
  if (df <= 30 && Number.isInteger(df)) return T_975[df - 1]!;
  const z = Z_95;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3);
}

export type Bounds = [number, number];

/** Wilson's 95% score interval for `successes` of `n`; null when n = 0. */
export function wilsonInterval(successes: number, n: number, z = Z_95): Bounds | null {
  if (n <= 0) return null;
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Student's t 95% interval of a mean from n, the sum and the sum of squares (sample standard deviation,
 * divisor n - 1); null when n < 2. The variance is clamped at 0 against rounding.
 */
export function meanInterval(n: number, sum: number, sumSq: number): Bounds | null {
  if (n < 2) return null;
  const mean = sum / n;
  const variance = Math.max(0, (sumSq - n * mean * mean) / (n - 1));
  const half = tQuantile975(n - 1) * Math.sqrt(variance / n);
  return [mean - half, mean + half];
}

/**
 * A set of trajectories against one reference model M (scoring.md "Counterfactual cost"): their tokens
 * priced as if every step had gone to M, and savings = 1 - cost / that cost (null when it is 0).
 */
export function savingsVsModel(costUsd: number, tokensIn: number, tokensOut: number, model: ModelPrice): { counterfactualUsd: number; savings: number | null } {
  const counterfactualUsd = tokenCost(tokensIn, tokensOut, model);
  return { counterfactualUsd, savings: counterfactualUsd > 0 ? 1 - costUsd / counterfactualUsd : null };
}
