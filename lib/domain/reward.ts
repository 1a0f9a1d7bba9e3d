import { allLargestModel, costRatio, counterfactualCost, cumulativeCosts, savings, stepCosts, trajectoryCost } from './cost';
import { rewardWeightProblem } from './settings';
import { criterionScores, processScoreOf, stepRubricScores, type CriterionScore } from './rubric';
import { DEFAULT_REWARD, type CriterionDef, type JudgmentInput, type ModelPrice, type RewardSettings, type StepCostInput } from './types';

export interface RewardInput {
  correct: boolean;
  processScore: number | null;
  costUsd: number;
  allLargestUsd: number;
}

/** Why reward settings cannot be used, or `null` when they can (the rule of settings.ts). */
export function validateRewardSettings(settings: RewardSettings): string | null {
  const lambda = rewardWeightProblem(settings.lambda);
  if (lambda) return `lambda ${lambda}, got ${settings.lambda}`;
  const mu = rewardWeightProblem(settings.mu);
  if (mu) return `mu ${mu}, got ${settings.mu}`;
  return null;
}

/**
 * outcome + lambda * process - mu * cost_ratio. An undefined process score counts as 0 (scoring.md);
 * an undefined cost ratio (all-largest cost 0, see costRatio) counts as 0 by the same rule, so the
 * reward is always a number.
 */
export function combinedReward(input: RewardInput, settings: RewardSettings = DEFAULT_REWARD): number {
  const problem = validateRewardSettings(settings);
  if (problem) throw new RangeError(problem);
  const outcome = input.correct ? 1 : 0;
  const process = input.processScore ?? 0;
  const ratio = costRatio(input.costUsd, input.allLargestUsd) ?? 0;
  return outcome + settings.lambda * process - settings.mu * ratio;
}

export interface TrajectoryInput {
  models: readonly ModelPrice[];
  steps: readonly StepCostInput[];
  correct: boolean;
  criteria: readonly CriterionDef[];
  judgments: readonly JudgmentInput[];
}

export interface TrajectoryFigures {
  stepCosts: number[];
  cumulativeCosts: number[];
  costUsd: number;
  /** Id of the all-largest baseline model. */
  allLargestModel: string;
  allLargestUsd: number;
  savings: number | null;
  costRatio: number | null;
  stepRubricScores: (number | null)[];
  criterionScores: CriterionScore[];
  processScore: number | null;
  reward: number;
}

/** Every derived figure that is stored for a trajectory, computed once from its trace. */
export function trajectoryFigures(input: TrajectoryInput, settings: RewardSettings = DEFAULT_REWARD): TrajectoryFigures {
  const costs = stepCosts(input.steps, input.models);
  const costUsd = trajectoryCost(costs);
  const baseline = allLargestModel(input.models);
  const allLargestUsd = counterfactualCost(input.steps, baseline);
  const criteria = criterionScores(input.judgments, input.criteria);
  const process = processScoreOf(criteria);
  return {
    stepCosts: costs,
    cumulativeCosts: cumulativeCosts(costs),
    costUsd,
    allLargestModel: baseline.id,
    allLargestUsd,
    savings: savings(costUsd, allLargestUsd),
    costRatio: costRatio(costUsd, allLargestUsd),
    stepRubricScores: stepRubricScores(input.steps.length, input.judgments, input.criteria),
    criterionScores: criteria,
    processScore: process,
    reward: combinedReward({ correct: input.correct, processScore: process, costUsd, allLargestUsd }, settings),
  };
}

export interface RewardSums {
  trajectories: number;
  correct: number;
  /** Sum of the defined process scores (an undefined one counts 0 in the reward). */
  sumProcess: number;
  /** Sum of the cost ratios (an undefined one counts 0). */
  sumCostRatio: number;
}

/**
 * The mean combined reward of a set of trajectories from its sums: the reward is linear in its three
 * parts, so (correct + lambda * sum_process - mu * sum_cost_ratio) / n at any lambda and mu; `null`
 * for no trajectories.
 */
export function meanCombinedReward(sums: RewardSums, settings: RewardSettings = DEFAULT_REWARD): number | null {
  const problem = validateRewardSettings(settings);
  if (problem) throw new RangeError(problem);
  if (sums.trajectories === 0) return null;
  return (sums.correct + settings.lambda * sums.sumProcess - settings.mu * sums.sumCostRatio) / sums.trajectories;
}
