// scoring.md's judge setting: which judgments enter a figure when a view names a judge.
import { combinedReward } from './reward';
import { criterionScores, processScoreOf, type CriterionScore } from './rubric';
import { UNNAMED_JUDGE } from './settings';
import type { CriterionDef, JudgmentInput, RewardSettings } from './types';

export interface JudgedInput {
  judgeScore: number | null;
  judge?: string | null;
}

/**
 * The judge a judgment belongs to: its judge's name, the unnamed judge's name when the trace gave
 * none, and `null` for a judgment that a person added (it has no judge score).
 */
export function judgeOf(j: JudgedInput): string | null {
  if (j.judgeScore === null) return null;
  return j.judge ?? UNNAMED_JUDGE;
}

/**
 * With a judge, only that judge's judgments and the judgments that people added; without one
 * (`null`), every judgment.
 */
export function judgmentsOfJudge<T extends JudgedInput>(judgments: readonly T[], judge: string | null): T[] {
  if (judge === null) return [...judgments];
  return judgments.filter((j) => {
    const of = judgeOf(j);
    return of === null || of === judge;
  });
}

export interface ViewScoresInput {
  correct: boolean;
  costUsd: number;
  allLargestUsd: number;
  criteria: readonly CriterionDef[];
  judgments: readonly JudgmentInput[];
}

export interface ViewScores {
  criterionScores: CriterionScore[];
  processScore: number | null;
  reward: number;
}

/** A trajectory's criterion scores, process score and reward under a view's judge, lambda and mu. */
export function viewScores(input: ViewScoresInput, view: { judge: string | null } & RewardSettings): ViewScores {
  const criteria = criterionScores(judgmentsOfJudge(input.judgments, view.judge), input.criteria);
  const processScore = processScoreOf(criteria);
  const reward = combinedReward(
    { correct: input.correct, processScore, costUsd: input.costUsd, allLargestUsd: input.allLargestUsd },
    { lambda: view.lambda, mu: view.mu },
  );
  return { criterionScores: criteria, processScore, reward };
}
