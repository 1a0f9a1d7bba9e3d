import { compareIds } from './compare';
import { capProblem, deltaPProblem, ratioCProblem } from './settings';
import { DEFAULT_PAIRS, type PairSettings } from './types';

export type PairReason = 'outcome' | 'process' | 'cost';

export interface PairCandidate {
  id: string;
  correct: boolean;
  processScore: number | null;
  costUsd: number;
}

export interface PreferencePair {
  chosen: string;
  rejected: string;
  reason: PairReason;
  /** 1 for outcome; process difference for process; costlier / cheaper for cost. */
  margin: number;
}

/**
 * Scores and costs are computed doubles: 0.3 - 0.2 is 0.09999999999999998, and a pair whose scores
 * print as 0.3 and 0.2 must still reach delta_p = 0.1. Thresholds are met within this (relative for
 * cost) tolerance; it is far below any difference a rubric or a price can express.
 */
export const THRESHOLD_TOLERANCE = 1e-9;

/**
 * The cost margin when the cheaper trajectory costs 0 (or the ratio overflows): "infinitely cheaper",
 * kept finite so that it survives JSON, CSV and Parquet, and still sorts above every real ratio.
 */
export const UNBOUNDED_COST_MARGIN = Number.MAX_VALUE;

const REASON_RANK: Record<PairReason, number> = { outcome: 0, process: 1, cost: 2 };

/** Why pair settings cannot be used, or `null` when they can (the rules of settings.ts). */
export function validatePairSettings(settings: PairSettings): string | null {
  const deltaP = deltaPProblem(settings.deltaP);
  if (deltaP) return `delta_p ${deltaP}, got ${settings.deltaP}`;
  const ratioC = ratioCProblem(settings.ratioC);
  if (ratioC) return `ratio_c ${ratioC}, got ${settings.ratioC}`;
  const cap = capProblem(settings.cap);
  if (cap) return `cap ${cap}, got ${settings.cap}`;
  return null;
}

function outcomeRule(a: PairCandidate, b: PairCandidate): PreferencePair | null {
  if (a.correct === b.correct) return null;
  const [chosen, rejected] = a.correct ? [a, b] : [b, a];
  return { chosen: chosen.id, rejected: rejected.id, reason: 'outcome', margin: 1 };
}

/** Equal scores never decide, even with delta_p = 0: there is no higher one to choose. */
function processRule(a: PairCandidate, b: PairCandidate, deltaP: number): PreferencePair | null {
  if (a.processScore === null || b.processScore === null || a.processScore === b.processScore) return null;
  const [chosen, rejected] = a.processScore > b.processScore ? [a, b] : [b, a];
  const margin = (chosen.processScore as number) - (rejected.processScore as number);
  if (margin < deltaP - THRESHOLD_TOLERANCE) return null;
  return { chosen: chosen.id, rejected: rejected.id, reason: 'process', margin };
}

/** Equal costs never decide, even with ratio_c = 1: there is no cheaper one to choose. */
function costRule(a: PairCandidate, b: PairCandidate, ratioC: number): PreferencePair | null {
  if (a.costUsd === b.costUsd) return null;
  const [chosen, rejected] = a.costUsd < b.costUsd ? [a, b] : [b, a];
  const ratio = rejected.costUsd / chosen.costUsd; // Infinity when the cheaper one is free
  if (ratio < ratioC * (1 - THRESHOLD_TOLERANCE)) return null;
  return { chosen: chosen.id, rejected: rejected.id, reason: 'cost', margin: Math.min(ratio, UNBOUNDED_COST_MARGIN) };
}

/** The pair two trajectories of one query form under scoring.md's rules, or `null` when none decides. */
export function decidePair(a: PairCandidate, b: PairCandidate, settings: PairSettings = DEFAULT_PAIRS): PreferencePair | null {
  const problem = validatePairSettings(settings);
  if (problem) throw new RangeError(problem);
  return outcomeRule(a, b) ?? processRule(a, b, settings.deltaP) ?? costRule(a, b, settings.ratioC);
}

/** Outcome pairs, then process, then cost; larger margins first; then chosen id, then rejected id. */
export function comparePairs(x: PreferencePair, y: PreferencePair): number {
  return (
    REASON_RANK[x.reason] - REASON_RANK[y.reason] ||
    (x.margin > y.margin ? -1 : x.margin < y.margin ? 1 : 0) ||
    compareIds(x.chosen, y.chosen) ||
    compareIds(x.rejected, y.rejected)
  );
}

function assertUniqueIds(trajs: readonly PairCandidate[]): void {
  const seen = new Set<string>();
  for (const t of trajs) {
    if (seen.has(t.id)) throw new Error(`trajectory "${t.id}" appears twice among the query's trajectories`);
    seen.add(t.id);
  }
}

/** Every unordered pair of one query's trajectories that a rule decides, in comparePairs order, capped. */
export function buildPreferencePairs(trajs: readonly PairCandidate[], settings: PairSettings = DEFAULT_PAIRS): PreferencePair[] {
  const problem = validatePairSettings(settings);
  if (problem) throw new RangeError(problem);
  assertUniqueIds(trajs);
  const pairs: PreferencePair[] = [];
  trajs.forEach((a, i) => {
    for (let j = i + 1; j < trajs.length; j++) {
      const b = trajs[j];
      const pair = b && decidePair(a, b, settings);
      if (pair) pairs.push(pair);
    }
  });
  pairs.sort(comparePairs);
  return settings.cap === null ? pairs : pairs.slice(0, settings.cap);
}

/**
 * The most pairs that units (queries, or training groups) of these sizes can form, with at most `cap`
 * per unit: the sum of min(n (n - 1) / 2, cap). What a request would build in memory at worst.
 */
export function maxPairs(sizes: Iterable<number>, cap: number | null): number {
  let total = 0;
  for (const n of sizes) {
    const all = (n * (n - 1)) / 2;
    total += cap === null ? all : Math.min(all, cap);
  }
  return total;
}
