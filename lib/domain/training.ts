// scoring.md "Training (GRPO groups)": a group's advantages and ranks, whether it carries a signal,
// and the per-training-step figures of a run, from rollouts given as literals. The group moments
// (GroupMoments) are the form in which the database keeps a group, so that its reward spread at any
// lambda and mu is known without reading its rollouts: momentsVerdict says what they decide.
import { compareIds } from './compare';
import { costRatio } from './cost';
import { combinedReward } from './reward';
import { DEFAULT_REWARD, type RewardSettings } from './types';

/** A group has no signal under a reward when max - min of its rewards is at most this. */
export const NO_SIGNAL_TOLERANCE = 1e-12;

/** The outcome alone: lambda = mu = 0. */
export const OUTCOME_ONLY: RewardSettings = { lambda: 0, mu: 0 };

export interface RolloutInput {
  id: string;
  correct: boolean;
  processScore: number | null;
  costUsd: number;
  allLargestUsd: number;
}

/** The three inputs of the combined reward as it counts them: outcome 0/1, process (0 where null), cost ratio (0 where undefined). */
export interface RewardInputs {
  outcome: number;
  process: number;
  costRatio: number;
}

export function rewardInputs(r: Omit<RolloutInput, 'id'>): RewardInputs {
  return { outcome: r.correct ? 1 : 0, process: r.processScore ?? 0, costRatio: costRatio(r.costUsd, r.allLargestUsd) ?? 0 };
}

export interface GroupRewardStats {
  n: number;
  mean: number;
  /** Sample standard deviation (divisor n - 1); null when n = 1; 0 when the group has no signal. */
  std: number | null;
  /** null when n = 1 (a signal needs two rollouts). */
  noSignal: boolean | null;
}

/**
 * Mean and sample std of a group's rewards. The mean is taken around the first reward, so that
 * equal rewards give a mean equal to them and a std of exactly 0; a group whose rewards lie within
 * NO_SIGNAL_TOLERANCE counts as all equal (std 0).
 */
export function groupRewardStats(rewards: readonly number[]): GroupRewardStats {
  const n = rewards.length;
  if (n === 0) throw new Error('groupRewardStats: a group has at least one rollout');
  const r0 = rewards[0]!;
  let min = r0;
  let max = r0;
  let dev = 0;
  for (const r of rewards) {
    dev += r - r0;
    if (r < min) min = r;
    if (r > max) max = r;
  }
  const mean = r0 + dev / n;
  if (n === 1) return { n, mean, std: null, noSignal: null };
  const noSignal = max - min <= NO_SIGNAL_TOLERANCE;
  if (noSignal) return { n, mean: r0, std: 0, noSignal };
  let ss = 0;
  for (const r of rewards) ss += (r - mean) * (r - mean);
  return { n, mean, std: Math.sqrt(ss / (n - 1)), noSignal };
}

/**
 * Competition ranks, 1 for the highest reward; rewards within NO_SIGNAL_TOLERANCE of each other tie
 * and share the smallest rank: rank = 1 + the number of rewards higher by more than the tolerance.
 */
export function groupRanks(rewards: readonly number[]): number[] {
  const sorted = [...rewards].sort((a, b) => b - a);
  return rewards.map((r) => {
    // Binary search for the count of rewards > r + tolerance in the descending list.
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! > r + NO_SIGNAL_TOLERANCE) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  });
}

export interface RolloutAdvantage {
  id: string;
  reward: number;
  /** r - mean(r); null when n = 1; 0 in a group without signal. */
  advantage: number | null;
  /** (r - mean(r)) / std(r); null when n = 1 or std(r) = 0. */
  scaledAdvantage: number | null;
  rank: number;
  /** The rank under the outcome alone. */
  rankOutcome: number;
}

export interface GroupFigures extends GroupRewardStats {
  rollouts: RolloutAdvantage[];
  accuracy: number;
  /** No signal under the outcome alone; null when n = 1. */
  noSignalOutcome: boolean | null;
}

/** One group's rollouts with advantage, scaled advantage and both ranks, in the order given. */
export function groupFigures(rollouts: readonly RolloutInput[], settings: RewardSettings = DEFAULT_REWARD): GroupFigures {
  const rewards = rollouts.map((r) => combinedReward(r, settings));
  const outcome: number[] = rollouts.map((r) => (r.correct ? 1 : 0));
  const stats = groupRewardStats(rewards);
  const ranks = groupRanks(rewards);
  const ranksOutcome = groupRanks(outcome);
  const n = rollouts.length;
  const correct = outcome.reduce((a, b) => a + b, 0);
  return {
    ...stats,
    accuracy: correct / n,
    noSignalOutcome: n === 1 ? null : correct === 0 || correct === n,
    rollouts: rollouts.map((r, i) => {
      const advantage = n === 1 ? null : stats.noSignal ? 0 : rewards[i]! - stats.mean;
      return {
        id: r.id,
        reward: rewards[i]!,
        advantage,
        scaledAdvantage: advantage === null || !stats.std ? null : advantage / stats.std,
        rank: ranks[i]!,
        rankOutcome: ranksOutcome[i]!,
      };
    }),
  };
}

export interface TrainingRolloutInput extends RolloutInput {
  step: number;
  group: string;
  /** Steps of the rollout on each model. */
  stepsByModel: Readonly<Record<string, number>>;
}

export interface TrainingStepFigures {
  step: number;
  rollouts: number;
  groups: number;
  accuracy: number;
  meanCostUsd: number;
  meanProcessScore: number | null;
  meanReward: number;
  stepShareByModel: Record<string, number>;
  /** Over the groups of two or more rollouts; null when there is none. */
  meanGroupRewardStd: number | null;
  noSignalShareOutcome: number | null;
  noSignalShare: number | null;
}

const mean = (xs: readonly number[]): number | null => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);

/** scoring.md's per-training-step figures of one run's rollouts, steps in order. */
export function trainingCurve(rollouts: readonly TrainingRolloutInput[], settings: RewardSettings = DEFAULT_REWARD): TrainingStepFigures[] {
  const bySteps = new Map<number, Map<string, TrainingRolloutInput[]>>();
  for (const r of rollouts) {
    let groups = bySteps.get(r.step);
    if (!groups) bySteps.set(r.step, (groups = new Map()));
    const g = groups.get(r.group) ?? [];
    g.push(r);
    groups.set(r.group, g);
  }
  return [...bySteps.keys()]
    .sort((a, b) => a - b)
    .map((step) => {
      const groups = [...bySteps.get(step)!.entries()].sort(([a], [b]) => compareIds(a, b)).map(([, g]) => g);
      const all = groups.flat();
      const processes = all.flatMap((r) => (r.processScore === null ? [] : [r.processScore]));
      const models = new Map<string, number>();
      for (const r of all) for (const [m, k] of Object.entries(r.stepsByModel)) models.set(m, (models.get(m) ?? 0) + k);
      const totalSteps = [...models.values()].reduce((a, b) => a + b, 0);
      const multi = groups.filter((g) => g.length >= 2);
      const figures = multi.map((g) => groupFigures(g, settings));
      const outcome = multi.map((g) => groupFigures(g, OUTCOME_ONLY));
      return {
        step,
        rollouts: all.length,
        groups: groups.length,
        accuracy: all.filter((r) => r.correct).length / all.length,
        meanCostUsd: mean(all.map((r) => r.costUsd))!,
        meanProcessScore: mean(processes),
        meanReward: mean(all.map((r) => combinedReward(r, settings)))!,
        stepShareByModel: Object.fromEntries([...models].map(([m, k]) => [m, totalSteps === 0 ? 0 : k / totalSteps])),
        meanGroupRewardStd: mean(figures.map((f) => f.std!)),
        noSignalShareOutcome: mean(outcome.map((f) => (f.noSignal ? 1 : 0))),
        noSignalShare: mean(figures.map((f) => (f.noSignal ? 1 : 0))),
      };
    });
}

// ---------------------------------------------------------------- moments

/**
 * A group as the database keeps it: counts and sums of its rollouts' reward inputs, as deviations
 * from the inputs of a reference rollout (the one that made the group). With a = outcome - ref,
 * b = process - ref, e = cost ratio - ref, the rewards' deviations are a + lambda b - mu e, so their
 * sum and sum of squares at any lambda and mu follow from these sums. Equal inputs deviate by exactly
 * 0, and the same* counts say exactly when an input is constant in the group.
 */
export interface GroupMoments {
  n: number;
  correct: number;
  ref: RewardInputs;
  sameProcess: number;
  sameCostRatio: number;
  devProcess: number;
  devCostRatio: number;
  devProcessSq: number;
  devCostRatioSq: number;
  devOutcomeProcess: number;
  devOutcomeCostRatio: number;
  devProcessCostRatio: number;
}

export function emptyMoments(ref: RewardInputs): GroupMoments {
  return {
    n: 0,
    correct: 0,
    ref,
    sameProcess: 0,
    sameCostRatio: 0,
    devProcess: 0,
    devCostRatio: 0,
    devProcessSq: 0,
    devCostRatioSq: 0,
    devOutcomeProcess: 0,
    devOutcomeCostRatio: 0,
    devProcessCostRatio: 0,
  };
}

/** Adds (sign 1) or removes (sign -1) one rollout's inputs. */
export function addToMoments(m: GroupMoments, x: RewardInputs, sign: 1 | -1 = 1): GroupMoments {
  const a = x.outcome - m.ref.outcome;
  const b = x.process - m.ref.process;
  const e = x.costRatio - m.ref.costRatio;
  return {
    ...m,
    n: m.n + sign,
    correct: m.correct + sign * x.outcome,
    sameProcess: m.sameProcess + (x.process === m.ref.process ? sign : 0),
    sameCostRatio: m.sameCostRatio + (x.costRatio === m.ref.costRatio ? sign : 0),
    devProcess: m.devProcess + sign * b,
    devCostRatio: m.devCostRatio + sign * e,
    devProcessSq: m.devProcessSq + sign * b * b,
    devCostRatioSq: m.devCostRatioSq + sign * e * e,
    devOutcomeProcess: m.devOutcomeProcess + sign * a * b,
    devOutcomeCostRatio: m.devOutcomeCostRatio + sign * a * e,
    devProcessCostRatio: m.devProcessCostRatio + sign * b * e,
  };
}

/**
 * How far the sample variance that the moments give may be from the rewards' own, relative to the
 * size of the deviations (sum of a^2 + lambda^2 b^2 + mu^2 e^2 over n): the stored sums are doubles
 * moved by deltas, so each carries a rounding error of about (number of additions) x 1e-16 of its
 * size. 1e-9 covers 10^5 additions to a group with a margin of 8.
 */
export const MOMENTS_RELATIVE_ERROR = 1e-9;

export type MomentsVerdict =
  /** Decided exactly: every input that the reward weighs is constant in the group. */
  | { kind: 'no_signal' }
  /** The variance is far above anything rounding or a spread of 1e-12 could give. */
  | { kind: 'signal'; std: number }
  /** Too close to call from the sums: the rollouts decide. */
  | { kind: 'undecided' };

/** What a group's moments decide at lambda and mu (n >= 2). The database computes the same in SQL. */
export function momentsVerdict(m: GroupMoments, settings: RewardSettings): MomentsVerdict {
  const { n, correct } = m;
  const { lambda: l, mu } = settings;
  if (n < 2) throw new Error('momentsVerdict: a signal needs two rollouts');
  const outcomeConstant = correct === 0 || correct === n;
  if (outcomeConstant && (l === 0 || m.sameProcess === n) && (mu === 0 || m.sameCostRatio === n)) return { kind: 'no_signal' };
  const refOutcome = m.ref.outcome;
  const sa = correct - n * refOutcome;
  const saa = refOutcome === 1 ? n - correct : correct;
  const s1 = sa + l * m.devProcess - mu * m.devCostRatio;
  const s2 =
    saa +
    l * l * m.devProcessSq +
    mu * mu * m.devCostRatioSq +
    2 * l * m.devOutcomeProcess -
    2 * mu * m.devOutcomeCostRatio -
    2 * l * mu * m.devProcessCostRatio;
  const variance = (s2 - (s1 * s1) / n) / (n - 1);
  const scale = saa + l * l * m.devProcessSq + mu * mu * m.devCostRatioSq;
  const threshold = (MOMENTS_RELATIVE_ERROR * scale) / n + NO_SIGNAL_TOLERANCE * NO_SIGNAL_TOLERANCE;
  return variance > threshold ? { kind: 'signal', std: Math.sqrt(variance) } : { kind: 'undecided' };
}
